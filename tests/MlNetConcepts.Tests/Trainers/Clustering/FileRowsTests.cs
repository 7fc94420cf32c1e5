using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>k-means and spherical k-means streamed from a file a block at a time against the in-memory fit and brute force.</summary>
[TestClass]
public sealed class FileRowsTests
{
    /// <summary>10,000 rows: three streamed blocks of 4096 rows (the alignment), the last one partial.</summary>
    private const int N = 10_000, D = 12;

    [TestMethod]
    [DataRow("Euclidean", 4096, false)]
    [DataRow("Cosine", 4096, false)]
    [DataRow("Euclidean", 1, true)]   // 1 row asked: rounded up to 4096; seeding without the distance cache (two passes a centre)
    [DataRow("Cosine", 8192, true)]
    public void StreamedFitEqualsTheInMemoryFitBitForBit(string metricName, int blockRows, bool twoPassSeeding)
    {
        var metric = Enum.Parse<ClusterMetric>(metricName);
        var x = ClusterBlobs.Make(N, D, 9, 5);
        string path = ClusterBlobs.WriteNpy(x, N, D);
        KMeansPlusPlus.StreamedCacheBytesOverride = twoPassSeeding ? 0 : null;
        try
        {
            var options = new KMeansOptions { NumberOfClusters = 7, Metric = metric, NumberOfInitializations = 2, Seed = 11 };
            var whole = new KMeansTrainer(options).FitMatrix(x, N, D, path);
            using var file = MatrixFile.Open(path);
            var streamed = new KMeansTrainer(options).FitFile(file, blockRows);
            CollectionAssert.AreEqual(whole.Centroids, streamed.Centroids);
            CollectionAssert.AreEqual(whole.Labels, streamed.Labels);
            Assert.AreEqual(whole.Inertia, streamed.Inertia);
            Assert.AreEqual(whole.Iterations, streamed.Iterations);
            Assert.IsGreaterThan(1, whole.Iterations);
        }
        finally
        {
            KMeansPlusPlus.StreamedCacheBytesOverride = null;
            ClusterBlobs.Delete(path);
        }
    }

    [TestMethod]
    [DataRow("Fused")]
    [DataRow("Blocked")]
    [DataRow("Reference")]
    public void StreamedLloydOnEveryPathMatchesInMemoryAndTheBruteForceReference(string pathName)
    {
        var path = Enum.Parse<LloydPath>(pathName);
        if (path == LloydPath.Fused && !NearestCentreKernel.IsAccelerated) Assert.Inconclusive("The fused kernel needs AVX-512.");
        int k = 13;
        var x = ClusterBlobs.Make(N, D, 11, 6);
        var init = x[..(k * D)]; // the first k rows
        string file = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            var norms = SquaredDistances.RowNorms(x, N, D);
            var whole = Lloyd.Run(x, norms, N, D, init, k, 300, 0, spherical: false, path);
            var brute = Lloyd.Run(x, norms, N, D, init, k, 300, 0, spherical: false, LloydPath.Reference);
            using var matrix = MatrixFile.Open(file);
            var streamed = Lloyd.Run(new FileRows(matrix, false, 4096, file), init, k, 300, 0, spherical: false, path);
            ClusterBlobs.AssertSameAsInMemory(whole, brute, streamed);
        }
        finally { ClusterBlobs.Delete(file); }
    }

    [TestMethod]
    public void StreamedLloydFromSklearnInitReachesSklearnLabels()
    {
        var init = ClusterFixtures.Matrix("lloyd_init.npy", out int k, out _);
        var expected = ClusterFixtures.Ints("lloyd_labels.npy");
        double inertia = ClusterFixtures.Oracles["lloyd"]!["inertia"]!.GetValue<double>();
        using var file = MatrixFile.Open(ClusterFixtures.PathOf("lloyd_x.npy"));
        var r = new KMeansTrainer(new KMeansOptions { NumberOfClusters = k, InitialCentroids = init }).FitFile(file, 1);
        CollectionAssert.AreEqual(expected, r.Labels);
        Assert.AreEqual(inertia, r.Inertia, 1e-4 * inertia);
    }

    [TestMethod]
    public void BadRowsAreNamedWithTheFile()
    {
        var x = ClusterBlobs.Make(N, D, 3, 7);
        x[5000 * D + 3] = float.NaN;
        string path = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            using (var file = MatrixFile.Open(path))
            {
                var e = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 3 }).FitFile(file, 4096));
                StringAssert.Contains(e.Message, path);
                StringAssert.Contains(e.Message, "row 5000");
                e = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = N + 1 }).FitFile(file, 4096));
                StringAssert.Contains(e.Message, $"only {N} rows");
            }
            x[5000 * D + 3] = 1;
            Array.Clear(x, 7000 * D, D);
            NpyFile.WriteMatrix(path, x, N, D);
            using (var file = MatrixFile.Open(path))
            {
                var e = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 3, Metric = ClusterMetric.Cosine }).FitFile(file, 4096));
                StringAssert.Contains(e.Message, "row 7000 is the zero vector");
            }
        }
        finally { ClusterBlobs.Delete(path); }
    }
}
