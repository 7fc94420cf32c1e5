using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class ClusterQualityTests
{
    [TestMethod]
    public void MetricsEqualSklearn()
    {
        var x = ClusterFixtures.Matrix("metrics_x.npy", out int n, out int d);
        var truth = ClusterFixtures.Ints("metrics_true.npy");
        var pred = ClusterFixtures.Ints("metrics_pred.npy");
        var o = ClusterFixtures.Oracles["metrics"]!;
        Assert.AreEqual(o["silhouette"]!.GetValue<double>(), ClusterQuality.Silhouette(x, n, d, pred), 1e-5);
        Assert.AreEqual(o["silhouette_cosine"]!.GetValue<double>(), ClusterQuality.Silhouette(x, n, d, pred, ClusterMetric.Cosine), 1e-5);
        Assert.AreEqual(o["davies_bouldin"]!.GetValue<double>(), ClusterQuality.DaviesBouldin(x, n, d, pred), 1e-6);
        Assert.AreEqual(o["nmi"]!.GetValue<double>(), ClusterQuality.NormalizedMutualInformation(truth, pred), 1e-10);
        Assert.AreEqual(o["ari"]!.GetValue<double>(), ClusterQuality.AdjustedRandIndex(truth, pred), 1e-10);
    }

    [TestMethod]
    public void SampledSilhouetteIsSeededAndClose()
    {
        var x = ClusterFixtures.Matrix("metrics_x.npy", out int n, out int d);
        var pred = ClusterFixtures.Ints("metrics_pred.npy");
        double exact = ClusterQuality.Silhouette(x, n, d, pred);
        double a = ClusterQuality.Silhouette(x, n, d, pred, sampleSize: 200, seed: 4);
        double b = ClusterQuality.Silhouette(x, n, d, pred, sampleSize: 200, seed: 4);
        Assert.AreEqual(a, b);
        Assert.AreEqual(exact, a, 0.05);
    }

    [TestMethod]
    public void ClosedFormCases()
    {
        int[] a = [0, 0, 1, 1, 2, 2];
        int[] renamed = [5, 5, 3, 3, 9, 9];
        Assert.AreEqual(1.0, ClusterQuality.AdjustedRandIndex(a, renamed));
        Assert.AreEqual(1.0, ClusterQuality.NormalizedMutualInformation(a, renamed), 1e-12);
        // Hand count for [0,0,1,1] vs [0,1,0,1]: every pair disagrees, ARI = −0.5.
        Assert.AreEqual(-0.5, ClusterQuality.AdjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]), 1e-12);
        Assert.AreEqual(0.0, ClusterQuality.NormalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1]), 1e-12);
        Assert.ThrowsExactly<ConceptDataException>(() => ClusterQuality.AdjustedRandIndex([0, 1], [0]));
    }
}
