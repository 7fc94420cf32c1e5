using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetConcepts.Compute;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Views;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// The cost of reading through ML.NET's <see cref="IDataView"/>: each kernel timed on the same data three ways.
/// <list type="bullet">
/// <item>direct: the array-level API (k-means FitMatrix, MonoSemanticity on DenseMatrix, SAE on an array view);</item>
/// <item>own view: the IDataView verb over the project's memory-mapped <c>.npy</c> source (RowBlockReader's zero-copy path);</item>
/// <item>any view: the same verb over a view that hides its type, so rows come through an ML.NET cursor one by one.</item>
/// </list>
/// One untimed warm-up call per path, then rounds interleaved (the order of the three paths rotates each round) so
/// that load from other users of the machine hits all three alike. Reported per path: median and best wall time,
/// median CPU time of the process, and the ratio of medians to the direct path. Every call also prints its system CPU
/// time, minor page faults and garbage collections, which show a call that faults in fresh memory.
///   view-path [--rows 100000] [--dim 768] [--k 128] [--steps 12] [--rounds 5] [--threads T] [--kernels k-means,ms,sae]
/// </summary>
internal static class ViewPathBenchmark
{
    /// <summary>Hides the source's type: RowBlockReader takes the generic cursor path.</summary>
    private sealed class Opaque(IDataView inner) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];
    }

    private static readonly string[] PathNames = ["direct", "own view", "any view"];

    public static void Run(BenchArguments args)
    {
        int rows = args.Int("rows", 100_000), dim = args.Int("dim", 768), k = args.Int("k", 128), steps = args.Int("steps", 12), rounds = args.Int("rounds", 5);
        var kernels = (args.Text("kernels") ?? "k-means,ms,sae").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (args.Text("threads") is string t) ComputeSettings.Threads = int.Parse(t, CultureInfo.InvariantCulture);
        Machine.PrintHeader("view-path");
        Console.WriteLine($"data: {rows} × {dim} float32 uniform(-1, 1); k-means k = {k}, 10 Lloyd iterations from fixed centres; MS of {dim} neurons against a {dim / 2}-d embedding; SAE topk 4× width, {steps} steps of 1024 rows; threads {ComputeSettings.Threads}; {rounds} rounds");
        string dir = Directory.CreateTempSubdirectory("mlnc-view-bench-").FullName;
        try
        {
            var rng = new Random(1);
            var x = new float[(long)rows * dim];
            for (long i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            int e = dim / 2;
            var emb = new float[(long)rows * e];
            for (long i = 0; i < emb.Length; i++) emb[i] = (float)(rng.NextDouble() * 2 - 1);
            string xPath = Path.Combine(dir, "x.npy"), ePath = Path.Combine(dir, "e.npy");
            NpyFile.WriteMatrix(xPath, x, rows, dim);
            NpyFile.WriteMatrix(ePath, emb, rows, e);
            var ml = new MLContext(1);
            using var own = ml.Data.LoadFromMatrixFiles(("Features", xPath), ("Embedding", ePath));
            var any = new Opaque(own);
            var init = x[..(k * dim)];
            var kmeans = new KMeansTrainer(new KMeansOptions { NumberOfClusters = k, InitialCentroids = init, MaximumIterations = 10, Tolerance = 0 });
            var sae = new SaeOptions { Architecture = "topk", Latents = 4 * dim, K = 16, Steps = steps, BatchSize = 1024, Seed = 1, HoldOutFraction = 0, ProgressEvery = 0 };
            var a = DenseMatrix.Create(x, rows, dim, "x");
            var em = DenseMatrix.Create(emb, rows, e, "e");
            var arrayView = ml.Data.LoadFromMatrix(x, dim);

            var cases = new (string Key, string Name, Action[] Paths)[]
            {
                ("k-means", "k-means", [() => kmeans.FitMatrix(x, rows, dim), () => kmeans.Fit(own), () => kmeans.Fit(any)]),
                ("ms", "MonoSemanticity", [() => MonoSemanticity.Neurons(a, em), () => ml.Concepts().MonoSemanticity(own, "Features", "Embedding"), () => ml.Concepts().MonoSemanticity(any, "Features", "Embedding")]),
                ("sae", "SAE training", [() => ml.Transforms.SparseAutoencoder(sae).Fit(arrayView), () => ml.Transforms.SparseAutoencoder(sae).Fit(own), () => ml.Transforms.SparseAutoencoder(sae).Fit(any)]),
            };
            foreach (var key in kernels)
                if (!cases.Any(c => c.Key == key)) throw new ArgumentException($"--kernels: unknown kernel '{key}' (known: {string.Join(", ", cases.Select(c => c.Key))}).");
            Console.WriteLine("raw wall / CPU seconds per round, in the order run, each with [system CPU s, minor page faults, collections]:");
            var summary = new List<string>();
            foreach (var (_, name, paths) in cases.Where(c => kernels.Contains(c.Key)))
            {
                foreach (var path in paths) path(); // warm-up: JIT, page faults, thread start-up
                var wall = paths.Select(_ => new List<double>()).ToArray();
                var cpu = paths.Select(_ => new List<double>()).ToArray();
                for (int r = 0; r < rounds; r++)
                {
                    var line = new List<string>();
                    for (int j = 0; j < paths.Length; j++)
                    {
                        int p = (r + j) % paths.Length;
                        var cost = Timing.Cost(paths[p]);
                        wall[p].Add(cost.Wall);
                        cpu[p].Add(cost.Cpu);
                        line.Add(string.Create(CultureInfo.InvariantCulture, $"{PathNames[p]} {cost.Wall:F3}/{cost.Cpu:F3} [{cost.SystemCpu:F3}, {cost.MinorFaults}, {cost.Collections}]"));
                    }
                    Console.WriteLine($"  {name} round {r + 1}: {string.Join(", ", line)}  (load {Machine.LoadAverage():0.0})");
                }
                double directMedian = Timing.Median(wall[0]);
                for (int p = 0; p < paths.Length; p++)
                    summary.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-16} {PathNames[p],-9} {Timing.Median(wall[p]),10:F3} {wall[p].Min(),9:F3} {Timing.Median(cpu[p]),10:F3} {Timing.Median(wall[p]) / directMedian,8:F3} {wall[p].Min() / wall[0].Min(),8:F3}"));
            }
            Console.WriteLine($"{"kernel",-16} {"path",-9} {"median s",10} {"best s",9} {"median CPU",10} {"med/dir",8} {"best/dir",8}");
            foreach (var line in summary) Console.WriteLine(line);
            Console.WriteLine($"load average at the end {Machine.LoadAverage():0.0}");
        }
        finally { Directory.Delete(dir, true); }
    }

}
