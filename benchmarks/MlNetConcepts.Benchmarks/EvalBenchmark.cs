using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Evaluator suites. <c>eval-ms</c>: MonoSemanticity by the exact linear form beside the
/// brute-force pair loop (at the largest N where the loop takes a few minutes, same inputs, one
/// run, ratio printed), then the linear form alone at full scale (default N = 50,000,
/// K = 12,288, e = 768). <c>eval-assignment</c>: our linear assignment solver beside
/// scipy.optimize.linear_sum_assignment on the same cosine matrix of two random dictionaries.
/// </summary>
internal static partial class EvalBenchmark
{
    public static void RunMs(BenchArguments a)
    {
        Machine.PrintHeader("eval-ms");
        int bruteN = a.Int("brute-n", 10_000), bruteK = a.Int("brute-k", 64), e = a.Int("e", 768);
        int fullN = a.Int("n", 50_000), fullK = a.Int("k", 12_288);
        // 1. Same inputs for both at the brute-force size.
        var acts = SparseActivations(bruteN, bruteK, seed: 1);
        var emb = Embeddings(bruteN, e, seed: 2);
        var sw = Stopwatch.StartNew();
        var fast = MonoSemanticity.Neurons(acts, emb).Table.Doubles("ms");
        double fastSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var brute = MonoSemanticityReference.Neurons(acts, emb);
        double bruteSeconds = sw.Elapsed.TotalSeconds;
        double maxDiff = 0;
        for (int i = 0; i < fast.Length; i++)
            if (!double.IsNaN(fast[i]) || !double.IsNaN(brute[i])) maxDiff = Math.Max(maxDiff, Math.Abs(fast[i] - brute[i]));
        Console.WriteLine($"| MS N={bruteN} K={bruteK} e={e} | linear form {fastSeconds:0.000} s | brute-force pairs {bruteSeconds:0.0} s | ratio {bruteSeconds / fastSeconds:0}x | max |diff| {maxDiff:E2} |");
        if (a.Flag("skip-full")) return;
        // 2. Full scale, linear form only.
        acts = SparseActivations(fullN, fullK, seed: 3);
        emb = Embeddings(fullN, e, seed: 4);
        sw.Restart();
        var report = MonoSemanticity.Neurons(acts, emb);
        double full = sw.Elapsed.TotalSeconds;
        var summary = MonoSemanticitySummary.Summarize(report);
        Console.WriteLine($"| MS N={fullN} K={fullK} e={e} | linear form {full:0.0} s | dead {summary.Table.Int32s("dead")[0]} | mean {summary.Table.Doubles("mean")[0]:0.0000} |");
    }

    public static void RunAssignment(BenchArguments a)
    {
        Machine.PrintHeader("eval-assignment");
        int size = a.Int("size", 4096), d = a.Int("d", 768), repeats = a.Int("repeats", 1);
        var da = Embeddings(size, d, seed: 5);
        var db = Embeddings(size, d, seed: 6);
        // The stability cosine matrix, rounded to float32 so scipy (which reads a float32 .npy) sees the same numbers.
        var cos = new double[(long)size * size];
        var na = new double[size]; var nb = new double[size];
        for (int i = 0; i < size; i++) { na[i] = Norm(da.Row(i)); nb[i] = Norm(db.Row(i)); }
        System.Threading.Tasks.Parallel.For(0, size, i =>
        {
            for (int j = 0; j < size; j++)
                cos[(long)i * size + j] = (float)(System.Numerics.Tensors.TensorPrimitives.Dot(da.Row(i), db.Row(j)) / (na[i] * nb[j]));
        });
        double best = double.PositiveInfinity, total = 0;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            var sw = Stopwatch.StartNew();
            var assignment = LinearAssignment.SolveMaximum(cos, size, size);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            total = 0;
            for (int i = 0; i < size; i++) total += cos[(long)i * size + assignment[i]];
        }
        string scipy = "scipy not run";
        var path = Path.Combine(Path.GetTempPath(), $"mlnc-lap-{Environment.ProcessId}.npy");
        try
        {
            NpyFile.Write(path, NdArray.FromFloats(Array.ConvertAll(cos, v => (float)v), size, size));
            var script = Path.Combine(AppContext.BaseDirectory, "eval_assignment.py");
            if (!File.Exists(script)) script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "eval_assignment.py"));
            var psi = new ProcessStartInfo("/usr/bin/python3", [script, path, repeats.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            scipy = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception) { scipy = "scipy failed: " + ex.Message; }
        finally { File.Delete(path); }
        Console.WriteLine($"| assignment {size}x{size} (cosines of random d={d} dictionaries) | ours {best:0.000} s total={total:0.000000000} | {scipy} |");
    }

    /// <summary>Bridge top pairs at c = 65,536 concepts from TopK-sparse codes; prints time and peak working set.</summary>
    public static void RunBridge(BenchArguments a)
    {
        Machine.PrintHeader("eval-bridge");
        int c = a.Int("c", 65_536), pairs = a.Int("pairs", 10_000), k = a.Int("k", 32), d = a.Int("d", 768), top = a.Int("top", 1000);
        DenseMatrix TopK(int seed)
        {
            var data = new float[(long)pairs * c];
            var rng = new Random(seed);
            for (int r = 0; r < pairs; r++)
                for (int t = 0; t < k; t++)
                    data[(long)r * c + (int)(Math.Pow(rng.NextDouble(), 3) * c)] = (float)rng.NextDouble();
            return DenseMatrix.Create(data, pairs, c, $"codes{seed}");
        }
        var zi = TopK(7);
        var zt = TopK(8);
        var dict = Embeddings(c, d, seed: 9);
        long before = Environment.WorkingSet;
        var sw = Stopwatch.StartNew();
        var report = Bridge.TopPairs(zi, zt, dict, top);
        double seconds = sw.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"| bridge c={c} pairs={pairs} k={k} d={d} top={top} | {seconds:0.00} s | dense code arrays {(zi.Data.LongLength + zt.Data.LongLength) * 4 / 1e9:0.00} GB allocated, mostly untouched zero pages | peak working set {self.PeakWorkingSet64 / 1e9:0.00} GB (a dense c×c float64 matrix alone would be {(double)c * c * 8 / 1e9:0.0} GB) | best B {report.Table.Doubles("bridge")[0]:0.0000} |");
    }

    private static double Norm(ReadOnlySpan<float> x) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(x, x));

    /// <summary>ReLU codes with about 5% of entries active, as an SAE's.</summary>
    private static DenseMatrix SparseActivations(int n, int k, int seed)
    {
        var data = new float[(long)n * k];
        System.Threading.Tasks.Parallel.For(0, n, r =>
        {
            var rng = new Random(seed * 1_000_003 + r);
            for (int c = 0; c < k; c++)
            {
                double u = rng.NextDouble();
                if (u < 0.05) data[(long)r * k + c] = (float)(u * 20 * (1 + (c % 7)));
            }
        });
        return DenseMatrix.Create(data, n, k, "activations");
    }

    private static DenseMatrix Embeddings(int n, int e, int seed)
    {
        var data = new float[(long)n * e];
        System.Threading.Tasks.Parallel.For(0, n, r =>
        {
            var rng = new Random(seed * 1_000_003 + r);
            for (int c = 0; c < e; c++) data[(long)r * e + c] = (float)(rng.NextDouble() * 2 - 1 + (c % 3 == 0 ? 0.3 : 0));
        });
        return DenseMatrix.Create(data, n, e, "embeddings");
    }
}
