using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ReconstructionTests
{
    [TestMethod]
    public void MetricsMatchNumpy()
    {
        var r = Reconstruction.Report(EvalFixtures.Matrix("X"), EvalFixtures.Matrix("XH"), EvalFixtures.Matrix("A"));
        var e = EvalFixtures.Doubles("reconstruction");
        Assert.AreEqual(e[0], r.Table.Doubles("mse")[0], 1e-9);
        Assert.AreEqual(e[1], r.Table.Doubles("r2")[0], 1e-9);
        Assert.AreEqual(e[2], r.Table.Doubles("l0")[0], 1e-12);
        Assert.AreEqual(e[3], r.Table.Doubles("dead_fraction")[0], 1e-12);
        Assert.AreEqual(e[4], r.Table.Doubles("cosine")[0], 1e-9);
    }

    [TestMethod]
    public void PerfectReconstructionClosedForm()
    {
        var x = EvalFixtures.Random(20, 5, 3, "x");
        var r = Reconstruction.Report(x, x);
        Assert.AreEqual(0, r.Table.Doubles("mse")[0]);
        Assert.AreEqual(1, r.Table.Doubles("r2")[0], 1e-12);
        Assert.AreEqual(1, r.Table.Doubles("cosine")[0], 1e-6);
        Assert.IsTrue(double.IsNaN(r.Table.Doubles("l0")[0]));
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Reconstruction.Report(x, EvalFixtures.Random(20, 4, 1, "xh.npy")));
        StringAssert.Contains(ex.Message, "x has 5 columns but xh.npy has 4");
    }
}
