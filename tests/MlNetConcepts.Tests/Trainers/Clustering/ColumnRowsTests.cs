using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>k-means fitted through an IDataView (own mapped or in-memory column read in place, any other view copied once) against FitMatrix, brute force and scikit-learn.</summary>
[TestClass]
public sealed class ColumnRowsTests
{
    /// <summary>10,000 rows: more than one RowBlockReader block (1,024), two Lloyd alignment blocks (4,096) and a partial one.</summary>
    private const int N = 10_000, D = 12;

    [TestMethod]
    [DataRow("Euclidean")]
    [DataRow("Cosine")]
    public void FitOnEveryKindOfViewEqualsFitMatrixBitForBit(string metricName)
    {
        var metric = Enum.Parse<ClusterMetric>(metricName);
        var x = ClusterBlobs.Make(N, D, 9, 5);
        string path = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            var ml = new MLContext(1);
            using var mapped = ml.Data.LoadFromNpy(path, "X");
            var array = ml.Data.LoadFromMatrix(x, D, "X");
            var views = new (string Name, IDataView View)[]
            {
                ("mapped .npy", mapped), ("array", array),
                ("foreign view with a row count", new OpaqueView(mapped, tellRowCount: true)), ("foreign view without one", new OpaqueView(array)),
            };
            var options = new KMeansOptions { NumberOfClusters = 7, Metric = metric, NumberOfInitializations = 2, Seed = 11, FeatureColumnName = "X" };
            var direct = new KMeansTrainer(options).FitMatrix(x, N, D);
            Assert.IsGreaterThan(1, direct.Iterations);
            foreach (var (name, view) in views)
                CollectionAssert.AreEqual(direct.Centroids, new KMeansTrainer(options).Fit(view).GetCentroids(), name);
        }
        finally { ClusterBlobs.Delete(path); }
    }

    [TestMethod]
    [DataRow("Euclidean", null)]
    [DataRow("Euclidean", 4096)]
    [DataRow("Cosine", null)]
    [DataRow("Cosine", 1)]
    public void LloydOnHeldRowsEqualsInMemoryAndBruteForce(string metricName, int? blockRows)
    {
        // Forced blocks of 4,096 rows are how a column too large for one memory block is read.
        bool spherical = metricName == "Cosine";
        int k = 13;
        var x = ClusterBlobs.Make(N, D, 11, 6);
        var data = spherical ? ClusterInput.NormalizeRows(x, N, D, "x") : x;
        var init = data[..(k * D)];
        string path = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            using var mapped = new MLContext(1).Data.LoadFromNpy(path, "X");
            var norms = SquaredDistances.RowNorms(data, N, D);
            var whole = Lloyd.Run(data, norms, N, D, init, k, 300, 0, spherical);
            var brute = Lloyd.Run(data, norms, N, D, init, k, 300, 0, spherical, LloydPath.Reference);
            foreach (var view in new IDataView[] { mapped, new OpaqueView(mapped, tellRowCount: true) })
            {
                using var rows = ColumnRows.Open(view, "X", spherical, blockRows);
                Assert.AreEqual(blockRows is null ? N : 4096, rows.BlockRows);
                var held = Lloyd.Run(rows, init, k, 300, 0, spherical);
                ClusterBlobs.AssertSameAsInMemory(whole, brute, held);
            }
        }
        finally { ClusterBlobs.Delete(path); }
    }

    [TestMethod]
    public void OwnDenseColumnsAreLentAndEverythingElseIsCopiedOnce()
    {
        var x = ClusterBlobs.Make(N, D, 3, 8);
        string path = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            var ml = new MLContext(1);
            using var mapped = ml.Data.LoadFromNpy(path, "X");
            var array = ml.Data.LoadFromMatrix(x, D, "X");
            using (var rows = ColumnRows.Open(mapped, "X", unitRows: false)) Assert.IsFalse(rows.IsCopy, "a mapped column is read in place");
            using (var rows = ColumnRows.Open(array, "X", unitRows: false))
            {
                Assert.IsFalse(rows.IsCopy, "an array column is read in place");
                var (block, _) = rows.Read(0, N, new RowBuffer());
                Assert.IsTrue(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(block, out var segment) && ReferenceEquals(segment.Array, x), "the block is the caller's array");
            }
            var foreign = new OpaqueView(mapped, tellRowCount: true);
            using (var rows = ColumnRows.Open(foreign, "X", unitRows: false)) Assert.IsTrue(rows.IsCopy);
            Assert.AreEqual(1, foreign.Passes, "a foreign view is read once");
            using (var rows = ColumnRows.Open(mapped, "X", unitRows: true)) Assert.IsTrue(rows.IsCopy, "unit rows are a normalised copy");
        }
        finally { ClusterBlobs.Delete(path); }
    }

    [TestMethod]
    public void SklearnLloydThroughAMappedView()
    {
        var init = ClusterFixtures.Matrix("lloyd_init.npy", out int k, out _);
        var expected = ClusterFixtures.Ints("lloyd_labels.npy");
        using var view = new MLContext(1).Data.LoadFromNpy(ClusterFixtures.PathOf("lloyd_x.npy"));
        var model = new KMeansTrainer(new KMeansOptions { NumberOfClusters = k, InitialCentroids = init }).Fit(view);
        var (labels, _, _) = model.Predict(RowBlockReader.ReadMatrix(view, "Features", out int n, out _), n);
        CollectionAssert.AreEqual(expected, labels);
    }

    [TestMethod]
    public void BadRowsAreNamedWithTheColumnAndRow()
    {
        var x = ClusterBlobs.Make(N, D, 3, 7);
        x[5000 * D + 3] = float.NaN;
        string path = ClusterBlobs.WriteNpy(x, N, D);
        try
        {
            using var mapped = new MLContext(1).Data.LoadFromNpy(path, "X");
            foreach (var view in new IDataView[] { mapped, new OpaqueView(mapped) })
                foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
                {
                    var e = Assert.ThrowsExactly<ConceptDataException>(() => new KMeansTrainer(new KMeansOptions { NumberOfClusters = 3, Metric = metric, FeatureColumnName = "X" }).Fit(view));
                    StringAssert.Contains(e.Message, "column 'X'");
                    StringAssert.Contains(e.Message, "row 5000");
                }
        }
        finally { ClusterBlobs.Delete(path); }
    }
}
