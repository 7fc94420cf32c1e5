using System.Globalization;
using System.Runtime.InteropServices;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Views;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Why k-means through a copied view column can cost a second more than on the caller's array (issue 12): the two
/// suspects measured on the same data, each call with its wall, CPU and system CPU seconds and minor page faults.
/// <list type="bullet">
/// <item>alignment: Lloyd (10 iterations from fixed centres, fused path) on the same rows starting 0, 8, …, 56 bytes
/// past the array's start, so every address mod 64 occurs once;</item>
/// <item>fresh memory: one copy of the column into a new managed array, native memory with 4 KiB pages, native
/// memory advised to use huge pages (<see cref="RowMatrixBuffer"/>) and an array reused from the previous round.</item>
/// </list>
///   view-memory [--rows 100000] [--dim 768] [--k 128] [--rounds 3]
/// </summary>
internal static unsafe class ViewMemoryBenchmark
{
    /// <summary>The rows of an array starting <paramref name="offset"/> floats in, with their norms.</summary>
    private sealed class OffsetRows(float[] x, int offset, float[] norms, int n, int d) : LloydRows(n, d)
    {
        public override int BlockRows => Math.Max(1, Count);
        public override bool IsInMemory => true;
        public override (ReadOnlyMemory<float> X, ReadOnlyMemory<float> Norms) Read(int start, int count, RowBuffer buffer)
            => (x.AsMemory(offset + start * Dimension, count * Dimension), norms.AsMemory(start, count));
    }

    public static void Run(BenchArguments args)
    {
        int rows = args.Int("rows", 100_000), dim = args.Int("dim", 768), k = args.Int("k", 128), rounds = args.Int("rounds", 3);
        Machine.PrintHeader("view-memory");
        Console.WriteLine($"data: {rows} × {dim} float32 uniform(-1, 1) ({(long)rows * dim * 4 / 1e6:0} MB); Lloyd k = {k}, 10 iterations from fixed centres; {rounds} rounds; GC: server {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine("each call: wall/CPU seconds [system CPU s, minor page faults, collections]");
        const int Slack = 16; // floats past the end, so every offset has all the rows
        var rng = new Random(1);
        var x = new float[(long)rows * dim + Slack];
        for (long i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var source = x.AsSpan(0, rows * dim).ToArray();
        var init = x[..(k * dim)];
        var norms = SquaredDistances.RowNorms(x, rows, dim);
        long baseAddress;
        fixed (float* p = x) baseAddress = (long)p;

        var alignment = new Dictionary<int, List<double>>();
        for (int r = 0; r < rounds; r++)
        {
            var line = new List<string>();
            for (int j = 0; j < 8; j++)
            {
                int offset = 2 * ((r + j) % 8); // 8 bytes apart; rotated so load falls on every offset alike
                var cost = Timing.Cost(() => Lloyd.Run(new OffsetRows(x, offset, norms, rows, dim), init, k, 10, 0, spherical: false));
                long mod = (baseAddress + offset * 4) % 64;
                (alignment.TryGetValue((int)mod, out var list) ? list : alignment[(int)mod] = []).Add(cost.Cpu);
                line.Add(Format($"@{mod}", cost));
            }
            Console.WriteLine($"  Lloyd by address mod 64, round {r + 1}: {string.Join(", ", line)}  (load {Machine.LoadAverage():0.0})");
        }

        nuint bytes = (nuint)((long)rows * dim * sizeof(float));
        var reused = new float[rows * dim];
        source.CopyTo(reused, 0); // touched once before the rounds, so every timed copy into it reuses its pages
        var copies = new (string Name, Action Copy)[]
        {
            ("new float[]", () => { var a = new float[rows * dim]; source.CopyTo(a, 0); GC.KeepAlive(a); }),
            ("native 4 KiB", () =>
            {
                var p = (float*)NativeMemory.AlignedAlloc(bytes, RowMatrixBuffer.Alignment);
                try { source.CopyTo(new Span<float>(p, rows * dim)); }
                finally { NativeMemory.AlignedFree(p); }
            }),
            ("huge pages", () =>
            {
                using var buffer = new RowMatrixBuffer(rows, dim);
                source.CopyTo(buffer.RowBlock(0, rows));
            }),
            ("reused array", () => source.CopyTo(reused, 0)),
        };
        var copyCpu = copies.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            var line = new List<string>();
            for (int j = 0; j < copies.Length; j++)
            {
                int c = (r + j) % copies.Length;
                var cost = Timing.Cost(copies[c].Copy);
                copyCpu[c].Add(cost.Cpu);
                line.Add(Format(copies[c].Name, cost));
            }
            Console.WriteLine($"  copy round {r + 1}: {string.Join(", ", line)}  (load {Machine.LoadAverage():0.0})");
        }
        Console.WriteLine("median CPU s of Lloyd by address mod 64: " + string.Join(", ", alignment.OrderBy(a => a.Key).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}: {Timing.Median(a.Value):F3}"))));
        Console.WriteLine("median CPU s of one copy: " + string.Join(", ", copies.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c.Name}: {Timing.Median(copyCpu[i]):F3}"))));
        Console.WriteLine($"load average at the end {Machine.LoadAverage():0.0}");
    }

    private static string Format(string name, CallCost cost)
        => string.Create(CultureInfo.InvariantCulture, $"{name} {cost.Wall:F3}/{cost.Cpu:F3} [{cost.SystemCpu:F3}, {cost.MinorFaults}, {cost.Collections}]");
}
