using System.Globalization;
using MlNetConcepts.IO;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// <c>kmeans-cli</c>: the whole <c>mlnc cluster --method kmeans</c> process (reading, k-means++ seeding,
/// Lloyd, memberships, quality report, writing) beside the whole scikit-learn script
/// <c>benchmarks/python/kmeans_cli.py</c> (loading, KMeans with k-means++ and Lloyd, saving) on the same
/// file, alternating per round; prints both, the ratio (best and median) and each side's inertia.
///   kmeans-cli [--rows 50000] [--dim 256] [--k 100] [--iters 20] [--rounds 3]
/// Data: --rows × --dim float32 rows around 100 Gaussian centres (numpy-free: written by this suite to /tmp).
/// </summary>
internal static class KMeansCliBenchmark
{
    public static void Run(BenchArguments a)
    {
        Machine.PrintHeader("kmeans-cli");
        int rows = a.Int("rows", 50_000), dim = a.Int("dim", 256), k = a.Int("k", 100), iters = a.Int("iters", 20), rounds = a.Int("rounds", 3);
        string mlnc = WholeProcess.Mlnc();
        string script = WholeProcess.Find(Path.Combine("benchmarks", "python", "kmeans_cli.py")) ?? throw new FileNotFoundException("benchmarks/python/kmeans_cli.py");
        string dir = Directory.CreateTempSubdirectory("mlnc-kmeans-cli-").FullName;
        try
        {
            string data = Path.Combine(dir, "x.npy");
            NpyFile.WriteMatrix(data, Blobs(rows, dim, 100), rows, dim);
            Console.WriteLine($"data: {rows} × {dim} float32 around 100 Gaussian centres; k = {k}, at most {iters} Lloyd iterations, tol 0, one k-means++ initialisation");
            var ours = new List<WholeProcess.Timing>();
            var sk = new List<WholeProcess.Timing>();
            string it = iters.ToString(CultureInfo.InvariantCulture), kk = k.ToString(CultureInfo.InvariantCulture);
            for (int r = 0; r < rounds; r++)
            {
                double load = Machine.LoadAverage();
                string outOurs = Path.Combine(dir, $"ours{r}"), outSk = Path.Combine(dir, $"sk{r}");
                ours.Add(WholeProcess.Run("dotnet", [mlnc, "cluster", "--activations", data, "--method", "kmeans", "--k", kk, "--n-init", "1",
                    "--max-iter", it, "--tol", "0", "--seed", "1", "--out", outOurs]));
                sk.Add(WholeProcess.Run("/usr/bin/python3", [script, data, kk, it, "1", outSk]));
                Console.WriteLine($"round {r + 1} (load {load:0.0}): ours {ours[^1]} ({ours[^1].Output.Split('\n').Last()}); scikit-learn {sk[^1]} ({sk[^1].Output.Split('\n').Last()})");
                if (ours[^1].ExitCode != 0) Console.WriteLine(ours[^1].Output);
            }
            double ob = ours.Min(t => t.Wall), sb = sk.Min(t => t.Wall);
            Console.WriteLine("| rows × dim, k, iterations | ours (best / median wall) | scikit-learn (best / median wall) | sklearn/ours best | median | ours CPU (best) | sklearn CPU (best) |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rows}×{dim}, {k}, ≤ {iters} | {ob:0.00} / {Timing.Median(ours.Select(t => t.Wall)):0.00} s | {sb:0.00} / {Timing.Median(sk.Select(t => t.Wall)):0.00} s | **{sb / ob:0.00}** | {Timing.Median(sk.Select(t => t.Wall)) / Timing.Median(ours.Select(t => t.Wall)):0.00} | {ours.Min(t => t.Cpu):0.00} s | {sk.Min(t => t.Cpu):0.00} s |"));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static float[] Blobs(int rows, int dim, int centres)
    {
        var rng = new Random(3);
        var c = new float[centres * dim];
        for (int i = 0; i < c.Length; i++) c[i] = (float)(Gauss(rng) * 3);
        var x = new float[(long)rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int j = rng.Next(centres);
            for (int d = 0; d < dim; d++) x[(long)r * dim + d] = c[j * dim + d] + (float)Gauss(rng);
        }
        return x;
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
