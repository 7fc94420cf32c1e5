using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class AdamOptimizerTests
{
    /// <summary>Weights with odd sizes, so vector bodies and scalar tails both run.</summary>
    private static (SaeWeights W, SaeWeights G) Problem(int seed)
    {
        var rng = new Random(seed);
        var w = new SaeWeights(13, 29, 0);
        var g = new SaeWeights(13, 29, 0);
        foreach (var a in w.All.Concat(g.All))
            for (int q = 0; q < a.Length; q++) a[q] = (float)(rng.NextDouble() * 2 - 1);
        return (w, g);
    }

    [TestMethod]
    public void VectorisedStepEqualsTheScalarReferenceBitwise()
    {
        var (w1, g) = Problem(1);
        var (w2, _) = Problem(1);
        var o = new SaeOptions();
        var fast = new AdamOptimizer(w1, false, o);
        var plain = new AdamOptimizer(w2, false, o);
        for (int t = 1; t <= 5; t++)
        {
            float clip = t % 2 == 0 ? 0.37f : 1f; // a gradient scale (the clip factor) applied as the gradients are read
            fast.Step(w1, g, t, 1e-2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, clip);
            plain.StepReference(w2, g, t, 1e-2, clip);
        }
        for (int p = 0; p < 4; p++) CollectionAssert.AreEqual(w2.All[p], w1.All[p], SaeWeights.Names[p]);
        for (int q = 0; q < 4; q++) CollectionAssert.AreEqual(plain.Second[q], fast.Second[q]);
    }

    [TestMethod]
    public void FirstStepMovesEachParameterByTheLearningRateAgainstItsGradientSign()
    {
        // Closed form: after one step m̂ = g and v̂ = g², so p ← p − lr·g/(|g| + ε) ≈ p − lr·sign(g).
        var (w, g) = Problem(2);
        var before = w.All.Select(a => (float[])a.Clone()).ToArray();
        new AdamOptimizer(w, false, new SaeOptions()).Step(w, g, 1, 1e-3, new ParallelOptions());
        for (int p = 0; p < 4; p++)
            for (int q = 0; q < w.All[p].Length; q++)
                Assert.AreEqual(before[p][q] - 1e-3 * Math.Sign(g.All[p][q]), w.All[p][q], 1e-6);
    }
}
