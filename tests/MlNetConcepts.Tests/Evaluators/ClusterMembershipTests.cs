using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ClusterMembershipTests
{
    // OfRows scales the product of the raw rows by 1/‖a‖; the plain form (Block, via All) normalises the rows first;
    // both against a float64 cosine computed here.
    [TestMethod]
    public void RawRowProductScaledByNormsMatchesUnitRowsAndFloat64Cosines()
    {
        var a = EvalFixtures.Random(300, 37, 31, "a", -3, 2);
        var mu = EvalFixtures.Random(9, 37, 32, "mu");
        var plain = new ClusterMembership(a, mu).All().Data;
        var fast = new float[300 * 9];
        var streamed = new ClusterMembership(mu);
        streamed.OfRows(a.Data.AsSpan(0, 120 * 37), 120, 0, "a", fast.AsSpan(0, 120 * 9));
        streamed.OfRows(a.Data.AsSpan(120 * 37), 180, 120, "a", fast.AsSpan(120 * 9));
        for (int n = 0; n < 300; n++)
            for (int j = 0; j < 9; j++)
            {
                double dot = 0, na = 0, nm = 0;
                for (int i = 0; i < 37; i++)
                {
                    dot += (double)a.Data[n * 37 + i] * mu.Data[j * 37 + i];
                    na += (double)a.Data[n * 37 + i] * a.Data[n * 37 + i];
                    nm += (double)mu.Data[j * 37 + i] * mu.Data[j * 37 + i];
                }
                double expected = (1 + dot / Math.Sqrt(na * nm)) / 2;
                Assert.AreEqual(expected, fast[n * 9 + j], 1e-6, $"OfRows {n},{j}");
                Assert.AreEqual(plain[n * 9 + j], fast[n * 9 + j], 1e-6, $"against the plain form {n},{j}");
            }
    }

    [TestMethod]
    public void ZeroRowAndNonFiniteValueAreNamed()
    {
        var a = EvalFixtures.Random(100, 8, 33, "a");
        var mu = EvalFixtures.Random(3, 8, 34, "mu");
        var m = new ClusterMembership(mu);
        var d = new float[100 * 3];
        Array.Clear(a.Data, 70 * 8, 8);
        Assert.AreEqual("acts.npy: row 1070 is all zeros, so its cosine similarity is undefined.",
            Assert.ThrowsExactly<ConceptDataException>(() => m.OfRows(a.Data, 100, 1000, "acts.npy", d)).Message);
        a.Data[40 * 8 + 5] = float.NegativeInfinity;
        Assert.AreEqual("acts.npy: value -Infinity at row 1040, column 5 is not finite.",
            Assert.ThrowsExactly<ConceptDataException>(() => m.OfRows(a.Data, 100, 1000, "acts.npy", d)).Message);
    }
}
