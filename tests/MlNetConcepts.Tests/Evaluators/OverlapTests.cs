using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class OverlapTests
{
    private static OverlapReport Fixture() => Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"));

    [TestMethod]
    public void AllPairsMatchNumpy()
    {
        var o = Fixture();
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), o.Values, 1e-5, "overlap");
        // Column 0 (constant) and column 2 (all zeros) have no min–max scaling: NaN.
        Assert.IsTrue(double.IsNaN(o[0, 0]) && double.IsNaN(o[3, 2]));
    }

    [TestMethod]
    public void MatchesAndBestPairsFollowTheMatrix()
    {
        var o = Fixture();
        var expected = EvalFixtures.Doubles("overlap");
        double tau = 0.8;
        var m = o.Matches(tau);
        int count = expected.Count(v => v >= tau);
        Assert.AreEqual(count, m.Rows);
        Assert.IsTrue(count > 0, "the fixture has matches at tau = 0.8");
        var ov = m.Doubles("overlap");
        for (int i = 1; i < ov.Length; i++) Assert.IsTrue(ov[i - 1] >= ov[i]);
        Assert.AreEqual("0.8", m.Parameters["tau"]);
        var bestF = o.BestFeaturePerCluster();
        for (int j = 0; j < 5; j++)
        {
            var row = Enumerable.Range(0, 12).Where(k => !double.IsNaN(expected[j * 12 + k])).ToArray();
            int arg = row.OrderByDescending(k => expected[j * 12 + k]).First();
            Assert.AreEqual(arg, bestF.Int32s("feature")[j]);
        }
        var bestC = o.BestClusterPerFeature();
        Assert.AreEqual(-1, bestC.Int32s("cluster")[0]);
        int argc = Enumerable.Range(0, 5).OrderByDescending(j => expected[j * 12 + 7]).First();
        Assert.AreEqual(argc, bestC.Int32s("cluster")[7]);
    }

    [TestMethod]
    public void CoreRepresentativesAreLargestProducts()
    {
        var f = Overlap.CoreRepresentatives(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), 0, 7, 5);
        CollectionAssert.AreEqual(EvalFixtures.Longs("core_0_7"), (long[])f["sample"].Values);
    }

    [TestMethod]
    public void JsdMatchesNumpyForAllPairsAndCandidates()
    {
        var o = Fixture();
        var expected = EvalFixtures.Doubles("jsd");
        var all = JensenShannon.Pairs(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), o);
        Assert.AreEqual(60, all.Rows);
        Assert.AreEqual("all pairs", all.Parameters["mode"]);
        var cl = all.Int32s("cluster"); var fe = all.Int32s("feature"); var js = all.Doubles("jsd");
        EvalFixtures.AssertClose(Enumerable.Range(0, 60).Select(i => expected[cl[i] * 12 + fe[i]]).ToArray(), js, 1e-6, "jsd");
        var top = JensenShannon.Pairs(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), o, candidatesPerCluster: 3);
        Assert.AreEqual(15, top.Rows);
        var overlap = EvalFixtures.Doubles("overlap");
        for (int i = 0; i < top.Rows; i++)
        {
            int j = top.Int32s("cluster")[i], k = top.Int32s("feature")[i];
            Assert.AreEqual(expected[j * 12 + k], top.Doubles("jsd")[i], 1e-6);
            // Each candidate is among the cluster's three highest overlaps.
            int better = Enumerable.Range(0, 12).Count(x => overlap[j * 12 + x] > overlap[j * 12 + k]);
            Assert.IsTrue(better < 3);
        }
    }

    [TestMethod]
    public void RowCountMismatchIsAClearError()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Random(7, 6, 1, "x.npy"), EvalFixtures.Matrix("C")));
        StringAssert.Contains(ex.Message, "A has 60 rows but x.npy has 7");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Random(3, 5, 1, "c.npy")));
        StringAssert.Contains(ex.Message, "c.npy has 5");
    }
}
