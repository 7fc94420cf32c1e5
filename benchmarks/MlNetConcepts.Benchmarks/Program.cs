// Comparative benchmark harness: each suite times our code and its references in one run and
// prints GFLOP/s (or ms) side by side, with the machine and the kernels that ran.
//   dotnet MlNetConcepts.Benchmarks.dll SUITE [options]     (SUITE: gemm, vector, ... or all)
//   dotnet MlNetConcepts.Benchmarks.dll                      (lists the suites)
// Suites are found by name (see BenchmarkSuites), so adding one needs no edit here.
using MlNetConcepts.Benchmarks;

var suites = BenchmarkSuites.Discover();
string? name = args.FirstOrDefault();
if (name is null || name is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: MlNetConcepts.Benchmarks SUITE [options] (see benchmarks/README.md)");
    Console.WriteLine($"suites: {string.Join(", ", suites.Keys)}, all");
    return name is null or "-h" or "--help" or "help" ? 0 : 2;
}
var arguments = BenchArguments.Parse(args.Skip(1));
if (name == "all")
{
    foreach (var run in suites.Values) run(arguments);
    return 0;
}
if (!suites.TryGetValue(name, out var suite))
{
    Console.Error.WriteLine($"unknown suite '{name}'; suites: {string.Join(", ", suites.Keys)}, all");
    return 2;
}
suite(arguments);
return 0;
