using MlNetConcepts.Evaluators.Naming;

namespace MlNetConcepts.Tests.Evaluators.Naming;

[TestClass]
public sealed class NumpyPercentileTests
{
    [TestMethod]
    public void EqualsNumpyPercentileOnTheFixture()
    {
        var values = NamingFixtures.Doubles("percentile_values");
        var qs = NamingFixtures.Doubles("percentile_q");
        var expected = NamingFixtures.Doubles("percentile_expected");
        var head = NamingFixtures.Doubles("percentile_expected_head");
        for (int i = 0; i < qs.Length; i++)
        {
            Assert.AreEqual(expected[i], NumpyPercentile.Of(values, qs[i]), 1e-15, $"q = {qs[i]}");
            Assert.AreEqual(head[i], NumpyPercentile.Of(values.Take(10), qs[i]), 1e-15, $"q = {qs[i]}, 10 values");
        }
    }

    [TestMethod]
    public void IgnoresNaNAndRejectsAnOutOfRangeQ()
    {
        Assert.AreEqual(2.5, NumpyPercentile.Of([1, double.NaN, 4], 50), 0);
        Assert.IsTrue(double.IsNaN(NumpyPercentile.Of([double.NaN], 95)));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NumpyPercentile.Of([1.0], 101));
        StringAssert.Contains(e.Message, "q must be within [0, 100]");
    }
}
