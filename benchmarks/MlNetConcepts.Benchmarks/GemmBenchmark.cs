using System.Globalization;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// SGEMM C(m×n) = A(m×k)·B(k×n), row-major, no transposes, β = 0: OpenBLAS through our binding,
/// the managed SIMD backend and OpenBLAS's own C figure at the same sizes, threads and kernel;
/// the naive triple loop at a smaller size (it would take many minutes at full size).
/// </summary>
internal static class GemmBenchmark
{
    private sealed record Row(string Shape, string Implementation, double GflopsBest, double GflopsMedian, string Note);

    public static void Run(BenchArguments args)
    {
        int threads = args.Int("threads", ComputeSettings.Threads);
        int repeats = args.Int("repeats", 3);
        int rounds = args.Int("rounds", 2);
        int naiveSize = args.Int("naive-size", 256);
        ComputeSettings.Threads = threads;
        var shapes = (args.Text("shapes") ?? "4096x12288x768,2048x2048x2048")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('x').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();

        Machine.PrintHeader("SGEMM");
        Console.WriteLine($"timing: best and median of {repeats} calls after a warm-up, {rounds} interleaved rounds of ours vs C (best kept)");
        var blas = OpenBlasLibrary.IsAvailable ? new OpenBlasGemm(threads) : null;
        var managed = new ManagedGemm(threads);
        string? native = blas is null || args.Flag("no-native") ? null : NativeSgemm.Build();
        var rows = new List<Row>();

        foreach (var shape in shapes)
        {
            int m = shape[0], n = shape[1], k = shape[2];
            string label = $"{m}×{n}×{k}";
            Console.WriteLine($"-- m×n×k = {label}: A {m}×{k} times B {k}×{n} into C {m}×{n}");
            var rng = new Random(42);
            var a = RandomMatrix(rng, m * k);
            var b = RandomMatrix(rng, k * n);
            var c = new float[(long)m * n];
            double flops = 2.0 * m * n * k;

            Timing? ours = null, theirs = null;
            string nativeCore = "";
            for (int round = 0; round < rounds; round++)
            {
                if (native is not null && NativeSgemm.Measure(native, m, n, k, repeats, threads) is { } r)
                {
                    theirs = theirs?.Merge(r.Timing) ?? r.Timing;
                    nativeCore = $"{r.CoreName}, {r.Threads} threads";
                }
                if (blas is not null)
                {
                    var t = Timing.Measure(() => blas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), repeats);
                    ours = ours?.Merge(t) ?? t;
                }
            }
            if (theirs is { } th) rows.Add(Add(label, "OpenBLAS, C program", flops, th, nativeCore));
            // Informational: OpenBLAS with another kernel (e.g. the SkylakeX one our auto choice
            // would pick on an AVX-512 CPU when the user has not set OPENBLAS_CORETYPE).
            if (native is not null && args.Text("extra-coretype") is string extra
                && NativeSgemm.Measure(native, m, n, k, repeats, threads, extra) is { } x)
                rows.Add(Add(label, $"OpenBLAS, C program, {x.CoreName} kernel", flops, x.Timing, $"{x.CoreName}, {x.Threads} threads; for information"));
            if (ours is { } o) rows.Add(Add(label, "OpenBLAS via MlNetConcepts", flops, o, blas!.Name));
            var tm = Timing.Measure(() => managed.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), repeats);
            rows.Add(Add(label, "managed SIMD", flops, tm, managed.Name));
        }

        {
            int s = naiveSize;
            var rng = new Random(7);
            var a = RandomMatrix(rng, s * s);
            var b = RandomMatrix(rng, s * s);
            var c = new float[s * s];
            var t = Timing.Measure(() => ReferenceGemm.Instance.Sgemm(false, false, s, s, s, 1f, a, s, b, s, 0f, c, s), 1);
            rows.Add(Add($"{s}×{s}×{s}", "naive triple loop (ReferenceGemm)", 2.0 * s * s * s, t, "1 thread, double accumulation; smaller size"));
        }

        Console.WriteLine();
        PrintMarkdown(rows);
    }

    private static Row Add(string shape, string impl, double flops, Timing t, string note)
    {
        var row = new Row(shape, impl, flops / t.BestSeconds * 1e-9, flops / t.MedianSeconds * 1e-9, note);
        Console.WriteLine($"   {impl,-36} best {t.BestSeconds,8:0.000} s  {row.GflopsBest,8:0.0} GFLOP/s   median {row.GflopsMedian,8:0.0} GFLOP/s   ({note})");
        return row;
    }

    private static void PrintMarkdown(List<Row> rows)
    {
        Console.WriteLine("| m×n×k | implementation | GFLOP/s (best) | GFLOP/s (median) | ours / OpenBLAS-C (best) | notes |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            var c = rows.FirstOrDefault(x => x.Shape == r.Shape && x.Implementation.StartsWith("OpenBLAS, C", StringComparison.Ordinal));
            string ratio = c is null || r.Implementation.StartsWith("OpenBLAS, C", StringComparison.Ordinal) ? "" : (r.GflopsBest / c.GflopsBest).ToString("0.00", CultureInfo.InvariantCulture);
            Console.WriteLine($"| {r.Shape} | {r.Implementation} | {r.GflopsBest:0.0} | {r.GflopsMedian:0.0} | {ratio} | {r.Note} |");
        }
    }

    private static float[] RandomMatrix(Random rng, long length)
    {
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        return x;
    }
}
