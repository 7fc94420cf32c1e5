using MlNetConcepts.Evaluators.Layout;

namespace MlNetConcepts.Tests.Evaluators.Layout;

[TestClass]
public sealed class TrustworthinessTests
{
    [TestMethod]
    public void EqualsScikitLearnOnTheFixture()
    {
        var x = LayoutFixtures.Array("X").ToFloat32();
        var y = LayoutFixtures.Array("Y").ToFloat32();
        var expected = LayoutFixtures.Array("trust").ToFloat64();
        int[] ks = [1, 5, 10];
        for (int m = 0; m < 2; m++)
        {
            var metric = m == 0 ? LayoutMetric.Euclidean : LayoutMetric.Cosine;
            for (int i = 0; i < ks.Length; i++)
            {
                double t = Trustworthiness.Compute(x, 120, 12, y, 2, ks[i], metric);
                Assert.AreEqual(expected[m * 3 + i], t, 1e-6, $"{metric}, k = {ks[i]}");
            }
        }
    }

    [TestMethod]
    public void IsOneForALayoutThatKeepsEveryNeighbourAndLowerForAShuffledOne()
    {
        var (x, _) = LayoutFixtures.Groups(3, 20, 2, 4, seed: 3);
        Assert.AreEqual(1.0, Trustworthiness.Compute(x, 60, 2, x, 2, 5), 1e-12, "the input as its own layout");
        var shuffled = (float[])x.Clone();
        new Random(1).Shuffle(shuffled);
        Assert.IsLessThan(0.8, Trustworthiness.Compute(x, 60, 2, shuffled, 2, 5));
    }

    [TestMethod]
    public void RejectsKOfHalfTheRowsOrMore()
    {
        var x = new float[20];
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Trustworthiness.Compute(x, 10, 2, x, 2, 5));
        StringAssert.Contains(ex.Message, "k must be");
    }
}
