using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class AgglomerativeTrainerTests
{
    private static readonly (string Name, Linkage Linkage, ClusterMetric Metric)[] Cases =
    [
        ("ward_euclidean", Linkage.Ward, ClusterMetric.Euclidean),
        ("average_euclidean", Linkage.Average, ClusterMetric.Euclidean),
        ("complete_euclidean", Linkage.Complete, ClusterMetric.Euclidean),
        ("ward_cosine", Linkage.Ward, ClusterMetric.Cosine),
        ("average_cosine", Linkage.Average, ClusterMetric.Cosine),
        ("complete_cosine", Linkage.Complete, ClusterMetric.Cosine),
    ];

    [TestMethod]
    public void LabelsAndHeightsEqualScipyForEveryLinkage()
    {
        var x = ClusterFixtures.Matrix("agglo_x.npy", out int n, out int d);
        foreach (var (name, linkage, metric) in Cases)
        {
            var trainer = new AgglomerativeTrainer(new AgglomerativeOptions { NumberOfClusters = 4, Linkage = linkage, Metric = metric });
            var r = trainer.FitMatrix(x, n, d);
            Assert.IsTrue(ClusterFixtures.SamePartition(ClusterFixtures.Ints($"agglo_{name}_k4.npy"), r.Labels), $"{name}: k = 4 partition differs from scipy");

            var heights = ClusterFixtures.Doubles($"agglo_{name}_heights.npy");
            var ours = trainer.LastDendrogram!.Merges.Select(m => m.Height).ToArray();
            for (int m = 0; m < heights.Length; m++) Assert.AreEqual(heights[m], ours[m], 1e-5 * (1 + heights[m]), $"{name}: merge {m}");

            double t = ClusterFixtures.Oracles["agglo"]![name]!["t"]!.GetValue<double>();
            var byDistance = new AgglomerativeTrainer(new AgglomerativeOptions { DistanceThreshold = t, Linkage = linkage, Metric = metric }).FitMatrix(x, n, d);
            Assert.IsTrue(ClusterFixtures.SamePartition(ClusterFixtures.Ints($"agglo_{name}_dist.npy"), byDistance.Labels), $"{name}: distance cut differs from scipy");
        }
    }

    [TestMethod]
    public void ChainEqualsNaiveGlobalMinimumMerging()
    {
        var x = ClusterFixtures.Matrix("agglo_x.npy", out int n, out int d);
        foreach (var linkage in new[] { Linkage.Ward, Linkage.Average, Linkage.Complete })
        {
            var kind = linkage == Linkage.Ward ? PairwiseDistances.Kind.SquaredEuclidean : PairwiseDistances.Kind.Euclidean;
            var chain = Dendrogram.FromSlotMerges(n, NearestNeighborChain.Run(PairwiseDistances.Condensed(x, n, d, kind), n, linkage));
            var naive = Dendrogram.FromSlotMerges(n, NearestNeighborChain.Naive(PairwiseDistances.Reference(x, n, d, kind), linkage));
            for (int m = 0; m < n - 1; m++)
            {
                Assert.AreEqual(naive.Merges[m].Left, chain.Merges[m].Left, $"{linkage} merge {m}");
                Assert.AreEqual(naive.Merges[m].Right, chain.Merges[m].Right, $"{linkage} merge {m}");
                Assert.AreEqual(naive.Merges[m].Height, chain.Merges[m].Height, 1e-5 * (1 + naive.Merges[m].Height));
            }
        }
    }

    [TestMethod]
    public void GemmPairwiseDistancesMatchReference()
    {
        var x = ClusterFixtures.Matrix("agglo_x.npy", out int n, out int d);
        foreach (var kind in new[] { PairwiseDistances.Kind.SquaredEuclidean, PairwiseDistances.Kind.Euclidean })
        {
            var fast = PairwiseDistances.Condensed(x, n, d, kind);
            var slow = PairwiseDistances.Reference(x, n, d, kind);
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    Assert.AreEqual(slow[i, j], fast[NearestNeighborChain.Index(n, i, j)], 1e-5 * (1 + slow[i, j]));
        }
    }

    [TestMethod]
    public void RecoversWellSeparatedBlobsAndCentroidsAreClusterMeans()
    {
        var x = ClusterFixtures.Matrix("blobs_x.npy", out int n, out int d);
        var y = ClusterFixtures.Ints("blobs_y.npy");
        foreach (var linkage in new[] { Linkage.Ward, Linkage.Average, Linkage.Complete })
        {
            var r = new AgglomerativeTrainer(new AgglomerativeOptions { NumberOfClusters = 5, Linkage = linkage }).FitMatrix(x, n, d);
            Assert.IsGreaterThanOrEqualTo(0.99, ClusterQuality.AdjustedRandIndex(y, r.Labels), linkage.ToString());
            int j = r.Labels[0];
            var members = Enumerable.Range(0, n).Where(i => r.Labels[i] == j).ToArray();
            double mean0 = members.Average(i => (double)x[i * d]);
            Assert.AreEqual(mean0, r.Centroids[j * d], 1e-4);
        }
    }

    [TestMethod]
    public void AboveTheSizeLimitIsAClearError()
    {
        var x = new float[50 * 2];
        for (int i = 0; i < x.Length; i++) x[i] = i;
        var e = Assert.ThrowsExactly<ConceptDataException>(() =>
            new AgglomerativeTrainer(new AgglomerativeOptions { NumberOfClusters = 2, MaximumRows = 40 }).FitMatrix(x, 50, 2));
        StringAssert.Contains(e.Message, "50 rows exceed the limit of 40");
    }

    [TestMethod]
    public void NeedsExactlyOneCutRule()
    {
        Assert.ThrowsExactly<ConceptDataException>(() => new AgglomerativeTrainer(new AgglomerativeOptions()));
        Assert.ThrowsExactly<ConceptDataException>(() => new AgglomerativeTrainer(new AgglomerativeOptions { NumberOfClusters = 2, DistanceThreshold = 1 }));
    }
}
