using Microsoft.ML;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Views;
using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Tests.Trainers.Clustering;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
public sealed class ClusterCommandTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("mlnc-cluster-").FullName;

    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { return (MlncApp.Run(args), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [TestMethod]
    public void EveryMethodWritesConsistentOutputs()
    {
        string x = ClusterFixtures.PathOf("blobs_x.npy"), y = ClusterFixtures.PathOf("blobs_y.npy");
        var data = NpyFile.ReadMatrix(x, out int n, out int d);
        foreach (var method in new[] { "kmeans", "spherical", "minibatch", "agglomerative" })
        {
            string dir = TempDir();
            try
            {
                var (code, err) = Run("cluster", "--activations", x, "--method", method, "--k", "5", "--labels", y, "--seed", "3", "--out", dir);
                Assert.AreEqual(0, code, err);
                if (method == "kmeans") StringAssert.Contains(err, "kmeans: restart 3/3");
                if (method == "minibatch") StringAssert.Contains(err, "minibatch: epoch 1/");
                var centroids = NpyFile.Read(Path.Combine(dir, "centroids.npy"));
                CollectionAssert.AreEqual(new long[] { 5, d }, centroids.Shape.ToArray());
                var labels = NpyFile.Read(Path.Combine(dir, "labels.npy")).ToInt32();
                Assert.AreEqual(n, labels.Length);
                var membership = NpyFile.ReadMatrix(Path.Combine(dir, "membership.npy"), out int mr, out int mc);
                Assert.AreEqual(n, mr);
                Assert.AreEqual(5, mc);
                var model = new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
                var reloaded = model.Transform(new ColumnDataView(new DenseArrayColumn("Features", data, d)));
                Workout.Close(membership, Workout.Dense(reloaded, "Membership"), 1e-5, "memberships of the saved ML.NET model");
                var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
                Assert.AreEqual(method, report["method"]!.GetValue<string>());
                double ari = report["adjusted_rand_index"]!.GetValue<double>();
                Assert.AreEqual(ClusterQuality.AdjustedRandIndex(ClusterFixtures.Ints("blobs_y.npy"), labels), ari, 1e-12);
                Assert.IsGreaterThanOrEqualTo(0.99, ari, method);
                var geometry = method == "spherical" ? ClusterMetric.Cosine : ClusterMetric.Euclidean;
                Assert.AreEqual(ClusterQuality.Silhouette(data, n, d, labels, geometry, seed: 3), report["silhouette"]!.GetValue<double>(), 1e-12);
                var scored = method == "spherical" ? ClusterInput.NormalizeRows(data, n, d, "test") : data;
                Assert.AreEqual(ClusterQuality.DaviesBouldin(scored, n, d, labels), report["davies_bouldin"]!.GetValue<double>(), 1e-12);
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [TestMethod]
    [DataRow("kmeans")]
    [DataRow("spherical")]
    public void KMeansStreamsAboveTheWholeLoadLimitAndWritesWhatTheInMemoryRunWrites(string method)
    {
        // 10,000 rows: three 4,096-row blocks when streamed. Run a reads the file whole; run b finds it above a
        // tiny whole-load limit (so any whole read of it fails) and streams it in the default blocks; run c streams
        // 4,096-row blocks because --block-rows asks for it. All three must write the same bytes.
        const int n = 10_000, d = 6;
        var rng = new Random(15);
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) x[i * d + t] = (float)(rng.NextDouble() + 4 * (i % 4 == t % 4 ? 1 : 0));
        string dir = TempDir();
        try
        {
            string f32 = Path.Combine(dir, "x32.npy");
            NpyFile.WriteMatrix(f32, x, n, d);
            string[] common = ["cluster", "--activations", f32, "--method", method, "--k", "4", "--seed", "2"];
            var (code, err) = Run([.. common, "--out", Path.Combine(dir, "a")]);
            Assert.AreEqual(0, code, err);
            NpyFile.WholeLoadLimitOverride = 100;
            try { (code, err) = Run([.. common, "--out", Path.Combine(dir, "b")]); }
            finally { NpyFile.WholeLoadLimitOverride = null; }
            Assert.AreEqual(0, code, err);
            (code, err) = Run([.. common, "--block-rows", "4096", "--out", Path.Combine(dir, "c")]);
            Assert.AreEqual(0, code, err);
            foreach (string run in new[] { "b", "c" })
            {
                foreach (string name in new[] { "labels.npy", "membership.npy", "centroids.npy" })
                    CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir, "a", name)), File.ReadAllBytes(Path.Combine(dir, run, name)), $"{run}/{name}");
                var a = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "a", "report.json")))!;
                var b = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, run, "report.json")))!;
                foreach (string key in new[] { "inertia", "davies_bouldin", "silhouette" })
                    Assert.AreEqual(a[key]!.GetValue<double>(), b[key]!.GetValue<double>(), 1e-12, key);
            }
            // The labels are the nearest centres written (brute force over the centroids, on unit rows for spherical).
            var labels = NpyFile.Read(Path.Combine(dir, "b", "labels.npy")).ToInt32();
            var centres = NpyFile.ReadMatrix(Path.Combine(dir, "b", "centroids.npy"), out int k, out _);
            var rows = method == "spherical" ? ClusterInput.NormalizeRows(x, n, d, "x") : x;
            var dist = new float[n * k];
            SquaredDistances.Reference(rows, n, centres, k, d, dist);
            int disagree = 0;
            for (int i = 0; i < n; i++)
            {
                int best = 0;
                for (int j = 1; j < k; j++) if (dist[i * k + j] < dist[i * k + best]) best = j;
                if (best != labels[i]) disagree++;
            }
            Assert.AreEqual(0, disagree);
            // Streaming needs float32, and --block-rows belongs to kmeans and spherical.
            string f64 = Path.Combine(dir, "x64.npy");
            NpyFile.Write(f64, new NdArray(NdType.Float64, [n, d], x.Select(v => (double)v).ToArray()));
            (code, err) = Run("cluster", "--activations", f64, "--method", method, "--k", "4", "--block-rows", "4096", "--out", Path.Combine(dir, "d"));
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, $"--method {method} streams only float32 .npy files");
            (code, err) = Run("cluster", "--activations", f32, "--method", "minibatch", "--k", "4", "--block-rows", "4096", "--out", Path.Combine(dir, "d"));
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "--block-rows applies only to --method kmeans or spherical");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void MiniBatchStreamsAMappedFileAndMatchesTheInMemoryRun()
    {
        // 10,000 rows: several 4,096-row blocks. The float32 file is memory-mapped and streamed; the same values
        // stored as float64 are read whole. Both runs must write the same labels, memberships and report.
        const int n = 10_000, d = 6;
        var rng = new Random(5);
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) x[i * d + t] = (float)(rng.NextDouble() + 4 * (i % 3 == t % 3 ? 1 : 0));
        string dir = TempDir();
        try
        {
            string f32 = Path.Combine(dir, "x32.npy"), f64 = Path.Combine(dir, "x64.npy");
            NpyFile.WriteMatrix(f32, x, n, d);
            NpyFile.Write(f64, new NdArray(NdType.Float64, [n, d], x.Select(v => (double)v).ToArray()));
            foreach (var (file, outDir) in new[] { (f32, "a"), (f64, "b") })
            {
                var (code, err) = Run("cluster", "--activations", file, "--method", "minibatch", "--k", "3", "--seed", "2", "--batch-size", "700", "--out", Path.Combine(dir, outDir));
                Assert.AreEqual(0, code, err);
            }
            foreach (string name in new[] { "labels.npy", "membership.npy", "centroids.npy" })
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir, "a", name)), File.ReadAllBytes(Path.Combine(dir, "b", name)), name);
            var a = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "a", "report.json")))!;
            var b = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "b", "report.json")))!;
            foreach (string key in new[] { "inertia", "davies_bouldin", "silhouette" })
                Assert.AreEqual(b[key]!.GetValue<double>(), a[key]!.GetValue<double>(), 1e-12, key);
            // And the streamed scores equal the array forms on the labels written.
            var labels = NpyFile.Read(Path.Combine(dir, "a", "labels.npy")).ToInt32();
            Assert.AreEqual(ClusterQuality.DaviesBouldin(x, n, d, labels), a["davies_bouldin"]!.GetValue<double>(), 1e-12);
            Assert.IsTrue(a["silhouette_sampled"]!.GetValue<bool>());
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BadInputExitsWithCodeTwoAndOneLine()
    {
        string x = ClusterFixtures.PathOf("agglo_x.npy");
        string dir = TempDir();
        try
        {
            var (code, err) = Run("cluster", "--activations", x, "--k", "500", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "only 160 rows");
            (code, err) = Run("cluster", "--activations", x, "--method", "agglomerative", "--k", "3", "--max-rows", "100", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "exceed the limit of 100");
            (code, err) = Run("cluster", "--activations", x, "--method", "fuzzy", "--k", "3", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "--method must be");
            (code, err) = Run("cluster", "--activations", x, "--k", "3", "--labels", ClusterFixtures.PathOf("blobs_y.npy"), "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "expected (160,)");
            NpyFile.WholeLoadLimitOverride = 100;
            try
            {
                (code, err) = Run("cluster", "--activations", x, "--method", "agglomerative", "--k", "3", "--out", dir);
                Assert.AreEqual(2, code);
                StringAssert.Contains(err, "too many for --method agglomerative, which holds the rows (and their pairwise distances) in memory; kmeans, spherical and minibatch stream");
            }
            finally { NpyFile.WholeLoadLimitOverride = null; }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    [DataRow("kmeans")]
    [DataRow("spherical")]
    [DataRow("minibatch")]
    public void AllEqualRowsGiveAWarningAndUndefinedQualityNotAFailure(string method)
    {
        string root = TempDir();
        try
        {
            string x = Path.Combine(root, "equal.npy");
            NpyFile.WriteMatrix(x, Enumerable.Repeat(0.5f, 40 * 3).ToArray(), 40, 3);
            string dir = Path.Combine(root, "run");
            var (code, err) = Run("cluster", "--activations", x, "--method", method, "--k", "3", "--out", dir);
            Assert.AreEqual(0, code, err);
            StringAssert.Contains(err, "warning: degenerate clustering: 1 non-empty cluster(s) of 3 for 40 rows");
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
            Assert.IsTrue(report["degenerate"]!.GetValue<bool>());
            Assert.IsNull(report["davies_bouldin"], "Davies–Bouldin is undefined (NaN → null)");
            Assert.IsNull(report["silhouette"], "silhouette is undefined (NaN → null)");
            CollectionAssert.AreEquivalent(new[] { "centroids.npy", "labels.npy", "membership.npy", "model.zip", "report.json" },
                Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray());
            // Only the input and the finished folder: no temporary folder is left next to it.
            CollectionAssert.AreEquivalent(new[] { "equal.npy", "run" }, Directory.GetFileSystemEntries(root).Select(Path.GetFileName).ToArray());
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void QualityIsNaNExactlyWhenTheLabelsAreDegenerate()
    {
        var x = new float[] { 0, 0, 1, 1, 5, 5, 6, 6 };
        Assert.IsTrue(double.IsNaN(ClusterQuality.DaviesBouldin(x, 4, 2, [0, 0, 0, 0])));
        Assert.IsTrue(double.IsNaN(ClusterQuality.Silhouette(x, 4, 2, [0, 0, 0, 0])));
        Assert.IsTrue(double.IsNaN(ClusterQuality.Silhouette(x, 4, 2, [0, 1, 2, 3])));
        Assert.IsTrue(ClusterQuality.IsDegenerate([2, 2, 2]) && ClusterQuality.IsDegenerate([0, 1, 2]) && !ClusterQuality.IsDegenerate([0, 0, 1]));
        // Two clusters: the closed forms (points 1 apart within, 5√2 between the means).
        Assert.AreEqual(2 * 0.5 * Math.Sqrt(2) / (5 * Math.Sqrt(2)), ClusterQuality.DaviesBouldin(x, 4, 2, [0, 0, 1, 1]), 1e-12);
    }
}
