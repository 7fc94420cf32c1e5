using Microsoft.ML;
using MlNetConcepts.Views;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class KMeansTrainerTests
{
    [TestMethod]
    public void LloydFromSklearnInitReachesSklearnLabelsAndInertia()
    {
        var x = ClusterFixtures.Matrix("lloyd_x.npy", out int n, out int d);
        var init = ClusterFixtures.Matrix("lloyd_init.npy", out int k, out _);
        var expected = ClusterFixtures.Ints("lloyd_labels.npy");
        double inertia = ClusterFixtures.Oracles["lloyd"]!["inertia"]!.GetValue<double>();
        var trainer = new KMeansTrainer(new KMeansOptions { NumberOfClusters = k, InitialCentroids = init, MaximumIterations = 300 });
        var result = trainer.FitMatrix(x, n, d);
        CollectionAssert.AreEqual(expected, result.Labels);
        Assert.AreEqual(inertia, result.Inertia, 1e-4 * inertia);
        var centres = ClusterFixtures.Matrix("lloyd_centers.npy", out _, out _);
        for (int i = 0; i < centres.Length; i++) Assert.AreEqual(centres[i], result.Centroids[i], 1e-3);
    }

    [TestMethod]
    public void OwnSeedingIsWithinTwoPercentOfSklearnBestOfTen()
    {
        var x = ClusterFixtures.Matrix("seed_x.npy", out int n, out int d);
        var oracle = ClusterFixtures.Oracles["seed"]!;
        int k = oracle["k"]!.GetValue<int>();
        double best = oracle["best_inertia"]!.GetValue<double>();
        var result = new KMeansTrainer(new KMeansOptions { NumberOfClusters = k, NumberOfInitializations = 10, Seed = 1 }).FitMatrix(x, n, d);
        Assert.IsLessThanOrEqualTo(best * 1.02, result.Inertia, $"inertia {result.Inertia} vs sklearn {best}");
    }

    [TestMethod]
    public void GemmDistancesMatchBruteForce()
    {
        var rng = new Random(3);
        int n = 37, k = 5, d = 11;
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 4 - 1)).ToArray();
        var c = Enumerable.Range(0, k * d).Select(_ => (float)(rng.NextDouble() * 4 - 1)).ToArray();
        var fast = new float[n * k];
        var slow = new float[n * k];
        SquaredDistances.Gemm(x, SquaredDistances.RowNorms(x, n, d), n, c, SquaredDistances.RowNorms(c, k, d), k, d, fast);
        SquaredDistances.Reference(x, n, c, k, d, slow);
        for (int i = 0; i < fast.Length; i++) Assert.AreEqual(slow[i], fast[i], 1e-4 * (1 + slow[i]));
    }

    [TestMethod]
    [DataRow("Auto")]
    [DataRow("Fused")]
    [DataRow("Blocked")]
    public void GemmLloydEqualsReferenceLloyd(string pathName)
    {
        var path = Enum.Parse<LloydPath>(pathName);
        var x = ClusterFixtures.Matrix("lloyd_x.npy", out int n, out int d);
        var init = ClusterFixtures.Matrix("lloyd_init.npy", out int k, out _);
        var norms = SquaredDistances.RowNorms(x, n, d);
        var fast = Lloyd.Run(x, norms, n, d, init, k, 300, 0, spherical: false, path);
        var slow = Lloyd.Run(x, norms, n, d, init, k, 300, 0, spherical: false, path: LloydPath.Reference);
        CollectionAssert.AreEqual(slow.Labels, fast.Labels);
        Assert.AreEqual(slow.Inertia, fast.Inertia, 1e-9 * slow.Inertia);
    }

    [TestMethod]
    public void FusedLloydEqualsReferenceLloydOverSeveralPartitions()
    {
        // 4100 rows: 8 partitions of several chunks each; k = 37: a wide and a narrow strip of centres.
        int n = 4100, d = 40, k = 37;
        var rng = new Random(21);
        var planted = Enumerable.Range(0, k * d).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            int j = rng.Next(k);
            for (int t = 0; t < d; t++) x[i * d + t] = planted[j * d + t] + (float)(rng.NextDouble() * 2 - 1);
        }
        var init = new float[k * d];
        for (int j = 0; j < k; j++) x.AsSpan(rng.Next(n) * d, d).CopyTo(init.AsSpan(j * d, d));
        Assert.AreEqual(8, FusedAssignment.PartitionCount(n, k, d));
        var norms = SquaredDistances.RowNorms(x, n, d);
        var fast = Lloyd.Run(x, norms, n, d, init, k, 20, 0, spherical: false, LloydPath.Fused);
        var slow = Lloyd.Run(x, norms, n, d, init, k, 20, 0, spherical: false, LloydPath.Reference);
        Assert.IsGreaterThan(2, slow.Iterations);
        Assert.AreEqual(slow.Iterations, fast.Iterations);
        CollectionAssert.AreEqual(slow.Labels, fast.Labels);
        Assert.AreEqual(slow.Inertia, fast.Inertia, 1e-9 * slow.Inertia);
        for (int t = 0; t < slow.Centroids.Length; t++) Assert.AreEqual(slow.Centroids[t], fast.Centroids[t], 1e-5f);
    }

    [TestMethod]
    public void SameSeedGivesSameResult()
    {
        var x = ClusterFixtures.Matrix("seed_x.npy", out int n, out int d);
        var o = new KMeansOptions { NumberOfClusters = 10, NumberOfInitializations = 2, Seed = 42 };
        var a = new KMeansTrainer(o).FitMatrix(x, n, d);
        var b = new KMeansTrainer(o).FitMatrix(x, n, d);
        CollectionAssert.AreEqual(a.Centroids, b.Centroids);
    }

    [TestMethod]
    public void EmptyClusterTakesTheFarthestRow()
    {
        // Two identical initial centres: the second gets no rows (ties go to the lower index) and must be re-seeded.
        float[] x = [0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11];
        float[] init = [0, 0, 0, 0];
        var r = new KMeansTrainer(new KMeansOptions { NumberOfClusters = 2, InitialCentroids = init }).FitMatrix(x, 6, 2);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 1, 1, 1 }, r.Labels);
        // Exact optimum: each triangle's squared distances to its centroid sum to 4/3.
        Assert.AreEqual(8.0 / 3.0, r.Inertia, 1e-5);
    }

    [TestMethod]
    public void EveryMethodRecoversWellSeparatedBlobs()
    {
        var x = ClusterFixtures.Matrix("blobs_x.npy", out int n, out int d);
        var y = ClusterFixtures.Ints("blobs_y.npy");
        foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
        {
            var r = new KMeansTrainer(new KMeansOptions { NumberOfClusters = 5, Metric = metric, Seed = 4 }).FitMatrix(x, n, d);
            double ari = ClusterQuality.AdjustedRandIndex(y, r.Labels);
            Assert.IsGreaterThanOrEqualTo(0.99, ari, $"{metric}: ARI {ari}");
        }
    }

    [TestMethod]
    public void SphericalCentroidsAreUnitAndAssignByMaxCosine()
    {
        var x = ClusterFixtures.Matrix("seed_x.npy", out int n, out int d);
        var r = new KMeansTrainer(new KMeansOptions { NumberOfClusters = 4, Metric = ClusterMetric.Cosine, Seed = 9 }).FitMatrix(x, n, d);
        for (int j = 0; j < 4; j++) Assert.AreEqual(1.0, Math.Sqrt(SquaredDistances.SquaredNorm(r.Centroids.AsSpan(j * d, d))), 1e-5);
        for (int i = 0; i < n; i++)
        {
            var row = x.AsSpan(i * d, d);
            int best = -1;
            double bestCos = double.NegativeInfinity;
            for (int j = 0; j < 4; j++)
            {
                double dot = 0, nn = 0;
                for (int t = 0; t < d; t++) { dot += row[t] * r.Centroids[j * d + t]; nn += row[t] * row[t]; }
                double cos = dot / Math.Sqrt(nn);
                if (cos > bestCos) { bestCos = cos; best = j; }
            }
            Assert.AreEqual(best, r.Labels[i], $"row {i}");
        }
    }

    [TestMethod]
    public void BadInputGivesClearErrors()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        var e1 = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 4 }).FitMatrix(x, 3, 2));
        StringAssert.Contains(e1.Message, "only 3 rows");
        var e2 = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 0 }).FitMatrix(x, 3, 2));
        StringAssert.Contains(e2.Message, "at least 1");
        float[] nan = [1, 2, float.NaN, 4, 5, 6];
        var e3 = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 2 }).FitMatrix(nan, 3, 2));
        StringAssert.Contains(e3.Message, "row 1");
        float[] zero = [1, 2, 0, 0, 5, 6];
        var e4 = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 2, Metric = ClusterMetric.Cosine }).FitMatrix(zero, 3, 2));
        StringAssert.Contains(e4.Message, "row 1 is the zero vector");
    }

    [TestMethod]
    public void CatalogVerbFitsAViewAndTransformAddsColumns()
    {
        var x = ClusterFixtures.Matrix("blobs_x.npy", out int n, out int d);
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromMatrix(x, d);
        var model = ml.Clustering.Trainers.ConceptClusterer(numberOfClusters: 5, seed: 1).Fit(view);
        var output = model.Transform(view);
        Assert.AreEqual("cluster_4", ViewColumns.SlotNames(output.Schema["Membership"])![4]);
        var labels = RowBlockReader.ReadInt32s(output, "PredictedLabel");
        Assert.AreEqual(n, labels.Length);
        Assert.IsGreaterThanOrEqualTo(0.99, ClusterQuality.AdjustedRandIndex(ClusterFixtures.Ints("blobs_y.npy"), labels));
    }

    [TestMethod]
    public void ParallelInertiaEqualsThePlainLoop()
    {
        var rng = new Random(12);
        foreach (var (n, d) in new[] { (5, 3), (4096, 17), (10_001, 24) }) // one block, one full block, several with a short last one
        {
            int k = 6;
            var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
            var c = Enumerable.Range(0, k * d).Select(_ => (float)rng.NextDouble()).ToArray();
            var labels = Enumerable.Range(0, n).Select(_ => rng.Next(k)).ToArray();
            double plain = 0;
            for (int i = 0; i < n; i++)
                for (int t = 0; t < d; t++) { double diff = (double)x[i * d + t] - c[labels[i] * d + t]; plain += diff * diff; }
            Assert.AreEqual(plain, Lloyd.Inertia(x, d, c, labels), 1e-12 * plain, $"n={n}, d={d}");
        }
    }

    [TestMethod]
    public void FusedBlockSumsEqualThePlainLoopForAnyThreadCount()
    {
        var x = ClusterFixtures.Matrix("seed_x.npy", out int n, out int d);
        var rng = new Random(9);
        int k = 5;
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(k)).ToArray();
        var plain = new double[k * d];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) plain[labels[i] * d + t] += x[i * d + t];
        int saved = MlNetConcepts.Compute.ComputeSettings.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                MlNetConcepts.Compute.ComputeSettings.Threads = threads;
                var fused = new double[k * d];
                for (int start = 0; start < n; start += 7) // uneven blocks, as the last block of a pass is
                {
                    int rows = Math.Min(7, n - start);
                    Lloyd.AddBlockToSums(x.AsSpan(start * d, rows * d), rows, d, labels.AsSpan(start, rows), fused);
                }
                // Same additions in the same row order as the plain loop: equal to the last bit.
                CollectionAssert.AreEqual(plain, fused, $"threads {threads}");
            }
        }
        finally { MlNetConcepts.Compute.ComputeSettings.Threads = saved; }
    }

    [TestMethod]
    public void FarthestRowsEqualTheHeadOfAFullSort()
    {
        var rng = new Random(12);
        // Few distinct values, so many ties, broken by row index.
        var dist = Enumerable.Range(0, 500).Select(_ => (float)rng.Next(20)).ToArray();
        var order = Enumerable.Range(0, dist.Length).ToArray();
        Array.Sort(order, (a, b) => dist[b] != dist[a] ? dist[b].CompareTo(dist[a]) : a.CompareTo(b));
        foreach (int count in new[] { 1, 3, 40, 500 })
            CollectionAssert.AreEqual(order[..count], Lloyd.Farthest(dist, count), $"count {count}");
    }

    [TestMethod]
    public void OnePassInverseCdfEqualsBinarySearchOnTheCumulativeSums()
    {
        var rng = new Random(13);
        var w = Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? 0f : (float)rng.NextDouble()).ToArray();
        var cumulative = new double[w.Length];
        double run = 0;
        for (int i = 0; i < w.Length; i++) { run += w[i]; cumulative[i] = run; }
        // Random draws, draws landing exactly on a running total (zero weights make runs of equal totals), 0 and the total.
        var draws = Enumerable.Range(0, 50).Select(_ => rng.NextDouble() * run).Concat([cumulative[13], cumulative[14], 0, run]).ToArray();
        var rows = new int[draws.Length];
        KMeansPlusPlus.FirstReaching(w, draws, rows);
        for (int t = 0; t < draws.Length; t++)
        {
            int first = Array.FindIndex(cumulative, c => c >= draws[t]);
            Assert.AreEqual(first < 0 ? w.Length - 1 : first, rows[t], $"draw {draws[t]}");
        }
    }
}
