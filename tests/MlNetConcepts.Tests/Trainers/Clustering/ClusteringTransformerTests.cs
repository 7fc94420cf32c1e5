using MlNetConcepts.Data;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class ClusteringTransformerTests
{
    private static (float[] X, int N, int D, float[] C, int K) Random(int seed, bool withZeroRow)
    {
        var rng = new Random(seed);
        int n = 50, d = 7, k = 4;
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var c = Enumerable.Range(0, k * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        if (withZeroRow) Array.Clear(x, 3 * d, d);
        return (x, n, d, c, k);
    }

    [TestMethod]
    public void ColumnsEqualTheFormulasOnABruteForceCheck()
    {
        foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
        {
            var (x, n, d, c, k) = Random(1, withZeroRow: true);
            var model = new ClusteringTransformer(c, k, d, "Features", metric, "kmeans");
            var view = model.Transform(InMemoryView.FromMatrix("Features", x, d));
            var score = view.ReadMatrix("Score", out _, out _);
            var membership = view.ReadMatrix("Membership", out _, out _);
            var labels = view.ReadInt32s("PredictedLabel");
            for (int i = 0; i < n; i++)
            {
                double an = Math.Sqrt(Enumerable.Range(0, d).Sum(t => (double)x[i * d + t] * x[i * d + t]));
                var a = Enumerable.Range(0, d).Select(t => metric == ClusterMetric.Cosine && an > 0 ? x[i * d + t] / an : x[i * d + t]).ToArray();
                int best = 0;
                double bestD = double.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    double dot = 0, cn = 0, sq = 0;
                    for (int t = 0; t < d; t++) { dot += x[i * d + t] * (double)c[j * d + t]; cn += (double)c[j * d + t] * c[j * d + t]; sq += (a[t] - c[j * d + t]) * (a[t] - c[j * d + t]); }
                    double cos = an > 0 ? dot / (an * Math.Sqrt(cn)) : 0; // zero row: documented rule cos = 0
                    double m = membership[i * k + j];
                    Assert.IsTrue(m >= 0 && m <= 1, $"membership {m} outside [0, 1]");
                    Assert.AreEqual((1 + cos) / 2, m, 1e-5, $"{metric} row {i} centroid {j}");
                    Assert.AreEqual(sq, score[i * k + j], 1e-4 * (1 + sq));
                    if (sq < bestD) { bestD = sq; best = j; }
                }
                Assert.AreEqual(best, labels[i], $"{metric} row {i}");
            }
            Assert.AreEqual(0.5f, membership[3 * k], "a zero row has membership 0.5 by rule");
        }
    }

    [TestMethod]
    public void SavesAndLoadsThroughTheArchive()
    {
        var (x, n, d, c, k) = Random(2, withZeroRow: false);
        var model = new ClusteringTransformer(c, k, d, "Features", ClusterMetric.Cosine, "spherical");
        string path = Path.Combine(Path.GetTempPath(), $"mlnc-cluster-{Guid.NewGuid():N}.mlnc");
        try
        {
            new ConceptContext().Model.Save(model, path);
            var loaded = (ClusteringTransformer)ModelArchive.Load(path);
            Assert.AreEqual(ClusterMetric.Cosine, loaded.Metric);
            Assert.AreEqual("spherical", loaded.Method);
            CollectionAssert.AreEqual(c, loaded.GetCentroids());
            var (l1, s1, m1) = model.Predict(x, n);
            var (l2, s2, m2) = loaded.Predict(x, n);
            CollectionAssert.AreEqual(l1, l2);
            CollectionAssert.AreEqual(m1, m2);
            CollectionAssert.AreEqual(s1, s2);
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void WrongInputWidthAndNanRowsAreClearErrors()
    {
        var (x, n, d, c, k) = Random(3, withZeroRow: false);
        var model = new ClusteringTransformer(c, k, d, "Features", ClusterMetric.Euclidean, "kmeans");
        var e1 = Assert.ThrowsExactly<ConceptDataException>(() => model.Transform(InMemoryView.FromMatrix("Features", new float[12], 3)));
        StringAssert.Contains(e1.Message, "width 3");
        x[5 * d + 2] = float.PositiveInfinity;
        var view = model.Transform(InMemoryView.FromMatrix("Features", x, d));
        var e2 = Assert.ThrowsExactly<ConceptDataException>(() => view.ReadInt32s("PredictedLabel"));
        StringAssert.Contains(e2.Message, "row 5");
    }
}
