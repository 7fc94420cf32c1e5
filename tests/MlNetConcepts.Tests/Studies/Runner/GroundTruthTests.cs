using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Studies.Runner;

/// <summary>
/// <see cref="GroundTruth.Score"/> on a case worked by hand in two dimensions: four planted
/// directions, four SAE atoms and two centroids whose cosines are closed forms.
/// </summary>
[TestClass]
public sealed class GroundTruthTests
{
    // Planted (not unit: Score normalises): p0 = (1, 0) image, p1 = (0, 1) text, p2 = (2, 2) shared,
    // p3 = (-1, -1) shared; one planted bridge between p0 and p1.
    private static readonly float[] Planted = [1, 0, 0, 1, 2, 2, -1, -1];
    // Atoms a0 = (3, 0), a1 = (0.6, 0.8), a2 = (0, -1), a3 = (0.1, 1).
    private static readonly float[] Atoms = [3, 0, 0.6f, 0.8f, 0, -1, 0.1f, 1];

    private static GroundTruth Load()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-truth-").FullName;
        NpyFile.WriteMatrix(Path.Combine(dir, "planted.npy"), Planted, 4, 2);
        File.WriteAllText(Path.Combine(dir, "ground_truth.json"),
            """{"planted": "planted.npy", "planted_layer": "layer0", "kinds": ["image", "text", "shared", "shared"], "bridges": [[0, 1]]}""");
        return GroundTruth.Load(Path.Combine(dir, "ground_truth.json"));
    }

    private static SaeTransformer Sae(int inputs = 2)
    {
        var w = new SaeWeights(inputs, 4, 0);
        if (inputs == 2) Atoms.CopyTo(w.DecoderWeight, 0);
        return new SaeTransformer("relu", w, new SaeOptions { Architecture = "relu", Latents = 4 });
    }

    [TestMethod]
    public void ScoresAHandWorkedCase()
    {
        var truth = Load();
        double s2 = Math.Sqrt(2);
        // Best atom per planted direction and its cosine:
        //   p0: a0, cos 1;  p1: a3, cos 1/√1.01;  p2: a1, cos (0.6 + 0.8)/√2;
        //   p3: a2, cos 1/√2 (below 0.9: not recovered; a1 and a3 point away from it).
        double[] best = [1, 1 / Math.Sqrt(1.01), 1.4 / s2, 1 / s2];
        var saeResult = new SaeResult
        {
            Modality = [0.9, 0.5, 0.2, 0.1],
            // The planted bridge (p0, p1) is the atom pair (a0, a3): second of the top 2·1 pairs.
            Bridges = [new BridgePair(2, 1, 0.5, 0, 0), new BridgePair(0, 3, 0.4, 0, 0), new BridgePair(1, 1, 0.3, 0, 0)],
        };
        // Centroids c0 = (0, 2), c1 = (1, 0.05): p0 → c1, cos 1/√1.0025; p1 → c0, cos 1;
        // p2 → c1, cos 1.05/(√1.0025·√2); p3 → c0, cos −1/√2.
        var centroids = DenseMatrix.Create([0, 2, 1, 0.05f], 2, 2, "centroids");
        double[] cbest = [1 / Math.Sqrt(1.0025), 1, 1.05 / (Math.Sqrt(1.0025) * s2), -1 / s2];

        var r = truth.Score(Sae(), saeResult, centroids);
        Assert.AreEqual(4, r.Planted);
        Assert.AreEqual(0.75, r.SaeRecovery);
        Assert.AreEqual(best.Average(), r.SaeMmcs, 1e-6);
        Assert.AreEqual(0.5, r.ClusterRecovery);
        Assert.AreEqual(cbest.Average(), r.ClusterMmcs, 1e-6);
        // Modality of the atoms that recovered each kind: image p0 → a0, text p1 → a3, shared p2 → a1 (p3 not recovered).
        CollectionAssert.AreEqual(new[] { 0.9 }, r.ImageConceptModality);
        CollectionAssert.AreEqual(new[] { 0.1 }, r.TextConceptModality);
        CollectionAssert.AreEqual(new[] { 0.5 }, r.SharedConceptModality);
        Assert.AreEqual(1, r.Bridges);
        Assert.AreEqual(1.0, r.BridgeRecall);
    }

    [TestMethod]
    public void BridgeRecallCountsOnlyTheTopTwicePlantedPairs()
    {
        var truth = Load();
        var late = new SaeResult
        {
            Modality = [0.9, 0.5, 0.2, 0.1],
            Bridges = [new BridgePair(2, 1, 0.5, 0, 0), new BridgePair(1, 1, 0.4, 0, 0), new BridgePair(0, 3, 0.3, 0, 0)],
        };
        var r = truth.Score(Sae(), late, centroids: null);
        Assert.AreEqual(0.0, r.BridgeRecall, "third place is outside the top 2 × 1 pairs");
        Assert.IsTrue(double.IsNaN(r.ClusterRecovery) && double.IsNaN(r.ClusterMmcs), "no clusterer: undefined");
        var none = truth.Score(Sae(), new SaeResult(), null);
        Assert.IsTrue(double.IsNaN(none.BridgeRecall), "no bridge pairs computed: undefined");
        Assert.AreEqual(0, none.ImageConceptModality.Length, "no modalities given: nothing to report");
    }

    [TestMethod]
    public void AnSaeOfAnotherWidthIsRejected()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => Load().Score(Sae(inputs: 3), new SaeResult(), null));
        StringAssert.Contains(e.Message, "planted width 2 differs from the SAE input width 3");
    }
}
