// Comparative benchmark harness: each suite times our code and its references in one run and
// prints GFLOP/s (or ns/element) side by side, with the machine and the kernels that ran.
//   dotnet MlNetConcepts.Benchmarks.dll gemm   [--threads N] [--repeats R] [--rounds N] [--shapes MxNxK,...]
//                                              [--naive-size S] [--no-native] [--extra-coretype NAME]
//   dotnet MlNetConcepts.Benchmarks.dll vector [--length N] [--repeats R]
//   dotnet MlNetConcepts.Benchmarks.dll all
using MlNetConcepts.Benchmarks;

var arguments = BenchArguments.Parse(args.Skip(1));
switch (args.FirstOrDefault())
{
    case "gemm":
        GemmBenchmark.Run(arguments);
        break;
    case "vector":
        VectorBenchmark.Run(arguments);
        break;
    case "all":
        GemmBenchmark.Run(arguments);
        VectorBenchmark.Run(arguments);
        break;
    default:
        Console.WriteLine("usage: MlNetConcepts.Benchmarks gemm|vector|all [options] (see benchmarks/README.md)");
        return args.Length == 0 ? 0 : 2;
}
return 0;
