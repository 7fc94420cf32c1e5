using Microsoft.ML;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Views;
using MlNetConcepts.Tests.Core.Views;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class MiniBatchKMeansTrainerTests
{
    [TestMethod]
    public void StreamsBlobsInBlocksAndRecoversThem()
    {
        var x = ClusterFixtures.Matrix("blobs_x.npy", out int n, out int d);
        var y = ClusterFixtures.Ints("blobs_y.npy");
        foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
        {
            var view = new OpaqueView(new ColumnDataView(new DenseArrayColumn("Features", x, d)));
            var r = new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions { NumberOfClusters = 5, BatchSize = 100, InitializationSize = 200, Metric = metric, Seed = 3 }).FitStream(view);
            Assert.IsGreaterThanOrEqualTo(3, view.Passes, "a reservoir pass, epochs and a labelling pass, through ML.NET cursors");
            Assert.AreEqual(n, r.Labels.Length);
            Assert.IsGreaterThanOrEqualTo(0.99, ClusterQuality.AdjustedRandIndex(y, r.Labels), metric.ToString());
            Assert.AreEqual(Lloyd.Inertia(metric == ClusterMetric.Cosine ? ClusterInput.NormalizeRows(x, n, d, "x") : x, d, r.Centroids, r.Labels), r.Inertia, 1e-6 * r.Inertia);
        }
    }

    [TestMethod]
    public void StepKeepsEachCentreAtTheRunningMeanOfItsRows()
    {
        var rng = new Random(5);
        int d = 3, k = 2;
        float[] centres = [0, 0, 0, 10, 10, 10];
        var counts = new double[k];
        var received = new List<float[]>[] { new(), new() };
        for (int step = 0; step < 3; step++)
        {
            int rows = 7;
            var batch = Enumerable.Range(0, rows * d).Select(i => (float)((i / d) % 2 == 0 ? rng.NextDouble() : 10 + rng.NextDouble())).ToArray();
            // Brute-force assignment against the centres before the step.
            for (int i = 0; i < rows; i++)
            {
                var row = batch.AsSpan(i * d, d);
                int best = SquaredDistances.Between(row, centres.AsSpan(0, d)) <= SquaredDistances.Between(row, centres.AsSpan(d, d)) ? 0 : 1;
                received[best].Add(row.ToArray());
            }
            MiniBatchKMeansTrainer.Step(batch, rows, d, centres, k, counts, spherical: false);
            for (int j = 0; j < k; j++)
            {
                Assert.AreEqual(received[j].Count, counts[j]);
                for (int t = 0; t < d; t++) Assert.AreEqual(received[j].Average(r => (double)r[t]), centres[j * d + t], 1e-5);
            }
        }
    }

    [TestMethod]
    public void NanInAStreamedBlockNamesTheRow()
    {
        var x = new float[40];
        for (int i = 0; i < x.Length; i++) x[i] = i % 7;
        x[33] = float.NaN; // row 16 of width 2
        var e = Assert.ThrowsExactly<ConceptDataException>(() =>
            new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions { NumberOfClusters = 2, BatchSize = 8 }).FitStream(new ColumnDataView(new DenseArrayColumn("Features", x, 2))));
        StringAssert.Contains(e.Message, "row 16");
    }

    [TestMethod]
    public void MoreClustersThanRowsIsAClearError()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() =>
            new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions { NumberOfClusters = 5 }).FitStream(new ColumnDataView(new DenseArrayColumn("Features", [1, 2, 3, 4], 2))));
        StringAssert.Contains(e.Message, "only 2 rows");
    }
}
