using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Synthetic;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class OverlapMatchingTests
{
    [TestMethod]
    public void OneToOneMatchesScipyAssignment()
    {
        foreach (var (centred, fixture) in new[] { (false, "overlap_one_to_one"), (true, "overlap_centred_one_to_one") })
        {
            var o = Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), new OverlapOptions { Centred = centred });
            var expected = EvalFixtures.Longs(fixture);   // rows of (cluster, feature) from scipy's linear_sum_assignment
            var pairs = OverlapMatching.OneToOne(o);
            Assert.AreEqual(expected.Length / 2, pairs.Count, fixture);
            for (int i = 0; i < pairs.Count; i++)
            {
                Assert.AreEqual(expected[2 * i], pairs[i].Cluster, $"{fixture}: cluster of pair {i}");
                Assert.AreEqual(expected[2 * i + 1], pairs[i].Feature, $"{fixture}: feature of cluster {pairs[i].Cluster}");
            }
            Assert.AreEqual(pairs.Select(p => p.Feature).Distinct().Count(), pairs.Count, "each feature used once");
        }
    }

    [TestMethod]
    public void FiguresCountDistinctFeaturesAndThresholdedPairs()
    {
        var o = Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"));
        var values = EvalFixtures.Doubles("overlap");
        double tau = 0.8;
        // numpy's matrix: feature 4 (a dense raw neuron) is every cluster's best, so the many-to-many view
        // matches all 5 clusters with one or two distinct features.
        int distinct = Enumerable.Range(0, 12).Count(k => Enumerable.Range(0, 5).Any(j => values[j * 12 + k] >= tau));
        Assert.AreEqual(distinct, o.DistinctFeaturesMatched(tau));
        Assert.AreEqual(5, o.ClustersMatched(tau));
        var s = OverlapMatching.Summarize(o, tau);
        var pairs = EvalFixtures.Longs("overlap_one_to_one");
        var pairOverlaps = Enumerable.Range(0, pairs.Length / 2).Select(i => values[pairs[2 * i] * 12 + pairs[2 * i + 1]]).ToArray();
        Assert.AreEqual(pairOverlaps.Count(v => v >= tau), s.Matched);
        Assert.AreEqual(pairOverlaps.Average(), s.MeanOverlap, 1e-5);
        Assert.AreEqual(s.Matched / 5.0, s.ClusterFraction, 1e-12);
        var frame = o.OneToOne(tau);
        Assert.AreEqual(5, frame.Table.Rows.Count);
        Assert.AreEqual(s.Matched, frame.Table.Booleans("matched").Count(b => b));
    }

    [TestMethod]
    public void OneToOneFindsThePlantedPairsOfTheMultimodalBenchmark()
    {
        // The benchmark of `mlnc synth multimodal` (default settings): one cluster per planted concept
        // (centroid = its direction), one SAE feature per planted concept (its true code), shuffled,
        // plus two broad features that fire on about half the rows, as in the quickstart report.
        var data = MultimodalSynth.Generate(new MultimodalSynthOptions());
        int m = data.Options.ConceptCount, rows = data.Modality.Length, d = data.Options.Dimensions, k = m + 2;
        var rng = new Random(11);
        var order = Enumerable.Range(0, m).OrderBy(_ => rng.Next()).ToArray();   // feature order[i] = concept i
        var codes = new float[rows * k];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < m; i++) codes[r * k + order[i]] = data.Codes[r * m + i];
            for (int b = m; b < k; b++) codes[r * k + b] = rng.NextDouble() < 0.5 ? (float)(0.5 + rng.NextDouble()) : 0;
        }
        var z = DenseMatrix.Create(codes, rows, k, "codes");
        var x = DenseMatrix.Create(data.Layers[0].Activations, rows, d, "layer0");
        var centroids = DenseMatrix.Create(data.Planted, m, d, "planted");
        const double tau = 0.5;

        // Eq. 1 as defined: the two broad features match every cluster, so "clusters matched" says
        // 100% with only 2 distinct features; the one-to-one matching still pairs every other cluster
        // with its planted feature and gives each broad feature one cluster.
        var plain = Overlap.Compute(z, x, centroids);
        Assert.AreEqual(m, plain.ClustersMatched(tau));
        Assert.AreEqual(2, plain.DistinctFeaturesMatched(tau));
        var pairs = OverlapMatching.OneToOne(plain);
        Assert.AreEqual(m, pairs.Count);
        var wrong = pairs.Where(p => p.Feature != order[p.Cluster]).ToList();
        Assert.AreEqual(2, wrong.Count, "only the clusters taken by the two broad features miss their planted feature");
        Assert.IsTrue(wrong.All(p => p.Feature >= m));
        Assert.AreEqual(2, OverlapMatching.Summarize(plain, tau).Matched, "the honest headline: 2 of 52 pairs reach tau");

        // Centred: every planted pair is found, and every one-to-one pair reaching tau is planted.
        var centred = Overlap.Compute(z, x, centroids, new OverlapOptions { Centred = true });
        var cpairs = OverlapMatching.OneToOne(centred);
        Assert.IsTrue(cpairs.All(p => p.Feature == order[p.Cluster]), "centred one-to-one recovers all 52 planted pairs");
        var summary = OverlapMatching.Summarize(centred, tau);
        Assert.IsTrue(summary.Matched >= 0.8 * m, $"{summary.Matched} planted pairs reach tau");
        Assert.AreEqual(summary.Matched, summary.DistinctFeaturesMatched, "no feature matches two clusters at tau");
    }
}
