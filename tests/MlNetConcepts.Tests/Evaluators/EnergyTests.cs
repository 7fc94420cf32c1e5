using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class EnergyTests
{
    [TestMethod]
    public void EnergyShareAndCountsMatchNumpy()
    {
        var r = Energy.Report(EvalFixtures.Matrix("A"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("energy"), r.Table.Doubles("energy"), 1e-6, "energy");
        EvalFixtures.AssertClose(EvalFixtures.Doubles("energy_share"), r.Table.Doubles("share"), 1e-6, "share");
        var counts = EvalFixtures.Array("energy_counts").ToInt32();
        Assert.AreEqual(counts[0].ToString(), r.ParameterText("concepts_for_50pct"));
        Assert.AreEqual(counts[1].ToString(), r.ParameterText("concepts_for_90pct"));
        Assert.AreEqual(counts[2].ToString(), r.ParameterText("concepts_for_99pct"));
    }

    [TestMethod]
    public void ViewOverloadReadsSparseBlocksLikeTheMatrix()
    {
        var a = EvalFixtures.Matrix("A");
        var view = new ColumnDataView(new DenseArrayColumn("Codes", a.Data, a.Cols));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("energy"), Energy.PerConcept(view, "Codes"), 1e-6, "energy from view");
    }

    [TestMethod]
    public void DenseFileBlocksMatchThePlainLoop()
    {
        // A memory-mapped .npy read in ragged 7-row blocks (the vectorised column sums) against the plain
        // float64 loop over the whole matrix; 1,029 columns so the stripes and the scalar tail both run.
        var a = EvalFixtures.Random(50, 1029, 4, "a", -2, 3);
        var dir = Directory.CreateTempSubdirectory("mlnc-energy-").FullName;
        try
        {
            string path = Path.Combine(dir, "codes.npy");
            NpyFile.WriteMatrix(path, a.Data, a.Rows, a.Cols);
            using (var view = new MLContext().Data.LoadFromNpy(path, "codes"))
            {
                var expected = Energy.PerConcept(a);
                var streamed = Energy.PerConcept(view, "codes", 7);
                for (int c = 0; c < expected.Length; c++) Assert.AreEqual(expected[c], streamed[c], 1e-12 * Math.Max(1, Math.Abs(expected[c])), $"concept {c}");
            }
            a.Data[33 * 1029 + 1027] = float.NaN;
            NpyFile.WriteMatrix(path, a.Data, a.Rows, a.Cols);
            using var bad = new MLContext().Data.LoadFromNpy(path, path);
            var ex = Assert.ThrowsExactly<ConceptDataException>(() => Energy.PerConcept(bad, path, 7));
            StringAssert.Contains(ex.Message, "codes.npy: value NaN at row 33, column 1027 is not finite");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AllZeroCodesGiveNaNSharesAndZeroCounts()
    {
        var r = Energy.Report(DenseMatrix.Create(new float[12], 4, 3, "z"));
        Assert.IsTrue(r.Table.Doubles("share").All(double.IsNaN));
        Assert.AreEqual("0", r.ParameterText("concepts_for_90pct"));
    }

    [TestMethod]
    public void CountsOnAClosedForm()
    {
        // Energies 5, 3, 1, 1: 50% needs 1 concept, 90% needs 3 (9/10), 99% needs 4.
        double[] e = [1, 5, 1, 3];
        Assert.AreEqual(1, Energy.ConceptsHolding(e, 0.5));
        Assert.AreEqual(3, Energy.ConceptsHolding(e, 0.9));
        Assert.AreEqual(4, Energy.ConceptsHolding(e, 0.99));
        CollectionAssert.AreEqual(new[] { 1, 3, 0, 2 }, Energy.Ranking(e));
    }
}
