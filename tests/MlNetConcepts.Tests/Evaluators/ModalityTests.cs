using MlNetConcepts.Views;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ModalityTests
{
    private static int[] Labels() => Modality.Labels(EvalFixtures.Array("modality"), "modality");

    [TestMethod]
    public void ScoresAndClassifierAccuracyMatchNumpy()
    {
        var r = Modality.Scores(EvalFixtures.Matrix("A"), Labels(), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("DK"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_score"), r.Table.Doubles("modality_score"), 1e-6, "score");
        Assert.IsTrue(double.IsNaN(r.Table.Doubles("modality_score")[2]), "an all-zero concept has no modality");
        EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_accuracy"), r.Table.Doubles("accuracy"), 1e-9, "accuracy");
    }

    [TestMethod]
    [DataRow(1L, 1, 1)]       // one concept per group (the budget is below one concept's 60 × 4 bytes), one row per block and SGEMM
    [DataRow(1200L, 7, 8)]    // groups of 5, 5, 2 concepts; 7-row blocks rounded up to 8-row tiles, a short last one
    [DataRow(1200L, 9, 4)]    // 9-row blocks rounded up to 12: three 4-row tiles per block
    [DataRow(2880L, 60, 4096)] // one group of all 12 concepts, one block, one SGEMM: the in-memory shape read from the file
    public void StreamedAccuracyInConceptGroupsEqualsTheInMemoryRunAndNumpy(long projectionBytes, int blockRows, int gemmRows)
    {
        var labels = Labels();
        var (x, dk) = (EvalFixtures.Matrix("X"), EvalFixtures.Matrix("DK"));
        Modality.GemmRows = gemmRows;
        NpyFile.WholeLoadLimitOverride = 100; // from here on X (360 values) cannot be read whole
        try
        {
            var inMemory = Modality.ClassifierAccuracy(x, dk, labels, projectionBytes: projectionBytes);
            using var view = new Microsoft.ML.MLContext().Data.LoadFromMatrixFiles(("X", EvalFixtures.PathOf("X")));
            var streamed = Modality.ClassifierAccuracy(view, "X", dk, labels, 12, blockRows, projectionBytes);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_accuracy"), streamed, 1e-9, $"budget {projectionBytes} B, {blockRows}-row blocks");
            CollectionAssert.AreEqual(inMemory, streamed, "the same float32 projections give the same accuracies");
        }
        finally
        {
            NpyFile.WholeLoadLimitOverride = null;
            Modality.GemmRows = 4096;
        }
    }

    [TestMethod]
    public void GroupedProjectionsEqualOnePlainDotProductPerRowAndConcept()
    {
        // Reference: the threshold sweep on projections summed one term at a time in float32, row by row.
        var x = EvalFixtures.Matrix("X");
        var dk = EvalFixtures.Matrix("DK");
        var labels = Labels();
        int images = labels.Count(l => l == Modality.Image);
        var reference = new double[dk.Rows];
        for (int k = 0; k < dk.Rows; k++)
        {
            var p = new float[x.Rows];
            for (int r = 0; r < x.Rows; r++)
                for (int j = 0; j < x.Cols; j++) p[r] += x.Data[r * x.Cols + j] * dk.Data[k * dk.Cols + j];
            reference[k] = Modality.BestBalancedAccuracy(p, labels, images);
        }
        var grouped = Modality.ClassifierAccuracy(x, dk, labels, projectionBytes: 1200);
        EvalFixtures.AssertClose(reference, grouped, 1e-9, "grouped GEMM vs plain dot products");
    }

    [TestMethod]
    public void HistogramCountsAndEnergyWeights()
    {
        var r = Modality.Scores(EvalFixtures.Matrix("A"), Labels());
        var h = Modality.Histogram(r, 4);
        var scores = EvalFixtures.Doubles("modality_score");
        var energy = EvalFixtures.Doubles("energy");
        for (int b = 0; b < 4; b++)
        {
            var inBin = Enumerable.Range(0, scores.Length).Where(k => !double.IsNaN(scores[k]) && Math.Min((int)(scores[k] * 4), 3) == b).ToArray();
            Assert.AreEqual((long)inBin.Length, h.Table.Int64s("count")[b]);
            Assert.AreEqual(inBin.Sum(k => energy[k]), h.Table.Doubles("weight")[b], 1e-9);
        }
    }

    [TestMethod]
    public void BalancedAccuracyClosedForms()
    {
        // Perfectly separable (text below image) → 1; identical projections → 0.5.
        Assert.AreEqual(1.0, Modality.BestBalancedAccuracy([3f, 4f, 1f, 2f], [0, 0, 1, 1], 2));
        Assert.AreEqual(0.5, Modality.BestBalancedAccuracy([1f, 1f, 1f, 1f], [0, 1, 0, 1], 2));
        // Flipped side counts too.
        Assert.AreEqual(1.0, Modality.BestBalancedAccuracy([-3f, -4f, 1f, 2f], [0, 0, 1, 1], 2));
    }

    [TestMethod]
    public void BadModalityColumnsAreClearErrors()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Labels(NdArray.FromInt32s([0, 1, 2], 3), "m.npy"));
        StringAssert.Contains(ex.Message, "m.npy: row 2 has modality 2; only 0 (image) and 1 (text)");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Labels(NdArray.FromInt32s([0, 0], 2), "m.npy"));
        StringAssert.Contains(ex.Message, "needs both image (0) and text (1) rows");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Labels(NdArray.FromFloats([0f, 0.5f], 2), "m.npy"));
        StringAssert.Contains(ex.Message, "m.npy: Value 0.5 is not an integer");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Scores(EvalFixtures.Matrix("A"), [0, 1, 0]));
        StringAssert.Contains(ex.Message, "modality column has 3 rows but A has 60");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Scores(EvalFixtures.Matrix("A"), Labels(), EvalFixtures.Matrix("X"), EvalFixtures.Random(12, 5, 1, "d.npy")));
        StringAssert.Contains(ex.Message, "d.npy has width 5 but X has width 6");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Modality.Scores(EvalFixtures.Matrix("A"), Labels(), EvalFixtures.Matrix("X"), EvalFixtures.Random(11, 6, 1, "d.npy")));
        StringAssert.Contains(ex.Message, "d.npy has 11 concepts (rows) but the codes have 12 columns");
    }
}
