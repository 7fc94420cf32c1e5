using MlNetConcepts.Compute;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Vector helpers against their plain references (<c>VectorReference</c>) and the obvious
/// alternatives: top-k by bounded heap vs a full sort, column sums of a samples×features block
/// in double vs a plain loop, dot products and row normalisation vs scalar loops.
/// </summary>
internal static class VectorBenchmark
{
    public static void Run(BenchArguments args)
    {
        int n = args.Int("length", 1_000_000);
        int repeats = args.Int("repeats", 5);
        Machine.PrintHeader("Vector helpers");
        var rng = new Random(1);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        var y = (float[])x.Clone();
        Array.Reverse(y);

        Console.WriteLine("| operation | size | ours (ms, best) | reference (ms, best) | speed-up | reference is |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        const int K = 100;
        Row($"top-{K} of n", $"n={n}", repeats,
            () => TopK.ArgsortTop(x, K),
            () => { var keys = (float[])x.Clone(); var idx = new int[n]; for (int i = 0; i < n; i++) idx[i] = i; Array.Sort(keys, idx); },
            "Array.Sort of all n keys with indices");
        Row("dot product", $"n={n}", repeats, () => VectorOps.Dot(x, y), () => VectorReference.Dot(x, y), "scalar loop, double accumulation");

        int rows = 4096, cols = 768;
        var block = new float[rows * cols];
        for (int i = 0; i < block.Length; i++) block[i] = (float)(rng.NextDouble() - 0.5);
        Row("column sums + squares (double)", $"{rows}×{cols}", repeats,
            () => SampleSums.AddColumnMoments(block, rows, cols, new double[cols], new double[cols]),
            () => { VectorReference.ColumnSums(block, rows, cols, false); VectorReference.ColumnSums(block, rows, cols, true); },
            "plain double loops");
        Row("normalise rows", $"{rows}×{cols}", repeats,
            () => VectorOps.NormalizeRows((float[])block.Clone(), rows, cols),
            () =>
            {
                var copy = (float[])block.Clone();
                for (int i = 0; i < rows; i++)
                {
                    double s = 0;
                    for (int j = 0; j < cols; j++) s += (double)copy[i * cols + j] * copy[i * cols + j];
                    float inv = (float)(1 / Math.Sqrt(s));
                    for (int j = 0; j < cols; j++) copy[i * cols + j] *= inv;
                }
            },
            "scalar loops (both copy the block first)");
    }

    private static void Row(string op, string size, int repeats, Action ours, Action reference, string what)
    {
        var a = Timing.Measure(ours, repeats);
        var b = Timing.Measure(reference, repeats);
        Console.WriteLine($"| {op} | {size} | {a.BestSeconds * 1e3:0.00} | {b.BestSeconds * 1e3:0.00} | {b.BestSeconds / a.BestSeconds:0.0}× | {what} |");
    }
}
