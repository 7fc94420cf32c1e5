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
/// The cost of reading through ML.NET's <see cref="IDataView"/>: each kernel timed on the same data three ways,
/// rounds interleaved so load from other users hits all alike, best round kept:
/// <list type="bullet">
/// <item>direct: the array-level API (k-means FitMatrix, MonoSemanticity on DenseMatrix, SAE on an array view);</item>
/// <item>own view: the IDataView verb over the project's memory-mapped <c>.npy</c> source (RowBlockReader's zero-copy path);</item>
/// <item>any view: the same verb over a view that hides its type, so rows come through an ML.NET cursor one by one.</item>
/// </list>
///   view-path [--rows 20000] [--dim 256] [--k 64] [--steps 20] [--rounds 3] [--threads T]
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

    public static void Run(BenchArguments args)
    {
        int rows = args.Int("rows", 20_000), dim = args.Int("dim", 256), k = args.Int("k", 64), steps = args.Int("steps", 20), rounds = args.Int("rounds", 3);
        if (args.Text("threads") is string t) ComputeSettings.Threads = int.Parse(t, CultureInfo.InvariantCulture);
        Machine.PrintHeader("view-path");
        Console.WriteLine($"data: {rows} × {dim} float32 Gaussian; k-means k = {k}, 10 Lloyd iterations; MS of {dim} neurons against a {dim / 2}-d embedding; SAE topk 4× width, {steps} steps of 1024 rows; threads {ComputeSettings.Threads}");
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

            var cases = new (string Name, Action Direct, Action Own, Action Any)[]
            {
                ("k-means", () => kmeans.FitMatrix(x, rows, dim), () => kmeans.Fit(own), () => kmeans.Fit(any)),
                ("MonoSemanticity", () => MonoSemanticity.Neurons(a, em), () => ml.Concepts().MonoSemanticity(own, "Features", "Embedding"), () => ml.Concepts().MonoSemanticity(any, "Features", "Embedding")),
                ("SAE training", () => ml.Transforms.SparseAutoencoder(sae).Fit(arrayView), () => ml.Transforms.SparseAutoencoder(sae).Fit(own), () => ml.Transforms.SparseAutoencoder(sae).Fit(any)),
            };
            Console.WriteLine($"{"kernel",-18} {"direct ms",10} {"own view ms",12} {"ratio",7} {"any view ms",12} {"ratio",7}");
            foreach (var (name, direct, ownPath, anyPath) in cases)
            {
                Timing? d = null, o = null, n = null;
                for (int r = 0; r < rounds; r++)
                {
                    var td = Timing.Measure(direct, 1);
                    var to = Timing.Measure(ownPath, 1);
                    var tn = Timing.Measure(anyPath, 1);
                    d = d is { } dd ? dd.Merge(td) : td;
                    o = o is { } oo ? oo.Merge(to) : to;
                    n = n is { } nn ? nn.Merge(tn) : tn;
                }
                double dm = d!.Value.BestSeconds * 1e3, om = o!.Value.BestSeconds * 1e3, nm = n!.Value.BestSeconds * 1e3;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-18} {dm,10:F1} {om,12:F1} {om / dm,7:F3} {nm,12:F1} {nm / dm,7:F3}"));
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
