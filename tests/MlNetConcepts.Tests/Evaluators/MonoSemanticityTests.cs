using MlNetConcepts.Views;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class MonoSemanticityTests
{
    private const double Tol = 1e-5;

    [TestMethod]
    public void NeuronScoresMatchNumpyPairLoop()
    {
        var r = MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), r.Table.Doubles("ms"), Tol, "ms");
        CollectionAssert.AreEqual(EvalFixtures.Array("ms_support").ToInt32(), r.Table.Int32s("support"));
        var dead = r.Table.Booleans("dead");
        // Columns 0 (constant), 1 (fires once) and 2 (all zero) are dead; 5 fires on two samples and is not.
        Assert.IsTrue(dead[0] && dead[1] && dead[2]);
        Assert.IsFalse(dead[5]);
    }

    [TestMethod]
    public void TopNNeuronScoresMatchNumpyWithTies()
    {
        var r = MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB"), topN: 10);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons_top"), r.Table.Doubles("ms"), Tol, "ms top-10");
        CollectionAssert.AreEqual(EvalFixtures.Array("ms_support_top").ToInt32(), r.Table.Int32s("support"));
    }

    [TestMethod]
    public void ClusterScoresMatchNumpyPairLoop()
    {
        var r = MonoSemanticity.Clusters(EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), EvalFixtures.Matrix("EMB"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters"), r.Table.Doubles("ms"), Tol, "ms clusters");
        var top = MonoSemanticity.Clusters(EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), EvalFixtures.Matrix("EMB"), topN: 10);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters_top"), top.Table.Doubles("ms"), Tol, "ms clusters top-10");
        Assert.IsTrue(top.Table.Int32s("support").All(s => s == 10));
    }

    [TestMethod]
    public void LinearFormMatchesBruteForceReferenceOnLargerRandomData()
    {
        // Several GEMM blocks (block rows are ≥ 64) and sparse columns.
        var a = EvalFixtures.Random(300, 20, 1, "a", -1, 1);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Math.Max(a.Data[i], 0);
        var e = EvalFixtures.Random(300, 16, 2, "e");
        var fast = MonoSemanticity.Neurons(a, e).Table.Doubles("ms");
        var brute = MonoSemanticityReference.Neurons(a, e);
        EvalFixtures.AssertClose(brute, fast, Tol, "neurons");
        var fastTop = MonoSemanticity.Neurons(a, e, topN: 7).Table.Doubles("ms");
        EvalFixtures.AssertClose(MonoSemanticityReference.Neurons(a, e, 7), fastTop, Tol, "neurons top-7");
        var c = EvalFixtures.Random(6, 20, 3, "c");
        EvalFixtures.AssertClose(MonoSemanticityReference.Clusters(a, c, e), MonoSemanticity.Clusters(a, c, e).Table.Doubles("ms"), Tol, "clusters");
        EvalFixtures.AssertClose(MonoSemanticityReference.Clusters(a, c, e, 9), MonoSemanticity.Clusters(a, c, e, 9).Table.Doubles("ms"), Tol, "clusters top-9");
    }

    [TestMethod]
    public void ManySmallBlocksGiveTheSameScoresAsOneBlock()
    {
        // 300 samples in blocks of 7 (a ragged last block): block sums must add up exactly.
        var a = EvalFixtures.Random(300, 20, 1, "a", -1, 1);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Math.Max(a.Data[i], 0);
        var e = EvalFixtures.Random(300, 16, 2, "e");
        var c = EvalFixtures.Random(6, 20, 3, "c");
        var brute = MonoSemanticityReference.Neurons(a, e);
        var bruteClusters = MonoSemanticityReference.Clusters(a, c, e);
        var overlapOne = Overlap.Compute(a, a, c).Values;
        MonoSemanticity.BlockRowsOverride = 7;
        try
        {
            EvalFixtures.AssertClose(brute, MonoSemanticity.Neurons(a, e).Table.Doubles("ms"), Tol, "neurons, 7-row blocks");
            EvalFixtures.AssertClose(bruteClusters, MonoSemanticity.Clusters(a, c, e).Table.Doubles("ms"), Tol, "clusters, 7-row blocks");
            var view = new ColumnDataView(new DenseArrayColumn("A", a.Data, a.Cols), new DenseArrayColumn("E", e.Data, e.Cols));
            EvalFixtures.AssertClose(brute, MonoSemanticity.Neurons(view, "A", "E").Table.Doubles("ms"), Tol, "streamed, 7-row blocks");
            EvalFixtures.AssertClose(overlapOne, Overlap.Compute(a, a, c).Values, 1e-6, "overlap, 7-row blocks");
        }
        finally { MonoSemanticity.BlockRowsOverride = null; }
    }

    [TestMethod]
    public void SparsePathAndGemmPathBothMatchTheBruteForceReference()
    {
        // SAE-like codes: about 6% nonzero, so the default picks the sparse path; force each path too.
        var rng = new Random(21);
        var data = new float[400 * 30];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() < 0.06 ? (float)rng.NextDouble() * 3 : 0f;
        var a = DenseMatrix.Create(data, 400, 30, "codes");
        var e = EvalFixtures.Random(400, 12, 22, "e");
        var brute = MonoSemanticityReference.Neurons(a, e);
        EvalFixtures.AssertClose(brute, MonoSemanticity.Neurons(a, e).Table.Doubles("ms"), Tol, "default (sparse) path");
        try
        {
            MonoSemanticity.BlockRowsOverride = 50;
            foreach (double forced in new[] { 0.0, 2.0 })
            {
                PairMeanAccumulator.SparseDensityOverride = forced;
                var r = MonoSemanticity.Neurons(a, e);
                EvalFixtures.AssertClose(brute, r.Table.Doubles("ms"), Tol, forced == 0 ? "GEMM path" : "sparse path");
                EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB")).Table.Doubles("ms"), Tol, $"fixture, forced {forced}");
            }
        }
        finally
        {
            PairMeanAccumulator.SparseDensityOverride = null;
            MonoSemanticity.BlockRowsOverride = null;
        }
    }

    [TestMethod]
    public void RawDenseNeuronsScoreNearMeanPairwiseCosine()
    {
        // A closed form: uniform weights give exactly the mean pairwise cosine.
        var e = EvalFixtures.Random(50, 4, 5, "e");
        var a = new float[50 * 2];
        for (int n = 0; n < 50; n++) { a[n * 2] = 1; a[n * 2 + 1] = n == 0 ? 0 : 1; }
        var ms = MonoSemanticity.Neurons(DenseMatrix.Create(a, 50, 2, "a"), e).Table.Doubles("ms");
        double sum = 0; int count = 0;
        for (int n = 1; n < 50; n++)
            for (int m = n + 1; m < 50; m++)
            {
                var x = e.Row(n); var y = e.Row(m);
                double dot = 0, nx = 0, ny = 0;
                for (int i = 0; i < 4; i++) { dot += x[i] * y[i]; nx += x[i] * x[i]; ny += y[i] * y[i]; }
                sum += dot / Math.Sqrt(nx * ny); count++;
            }
        Assert.IsTrue(double.IsNaN(ms[0]), "column 0 is constant");
        Assert.AreEqual(sum / count, ms[1], 1e-6);
    }

    [TestMethod]
    public void SummaryReportsMeanStdBestWorstAndDeadCount()
    {
        var r = MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB"));
        var s = MonoSemanticitySummary.Summarize(r);
        var live = EvalFixtures.Doubles("ms_neurons").Where(v => !double.IsNaN(v)).ToArray();
        double mean = live.Average();
        double std = Math.Sqrt(live.Sum(v => (v - mean) * (v - mean)) / (live.Length - 1));
        Assert.AreEqual(3, s.Table.Int32s("dead")[0]);
        Assert.AreEqual(mean, s.Table.Doubles("mean")[0], Tol);
        Assert.AreEqual(std, s.Table.Doubles("std")[0], Tol);
        Assert.AreEqual(live.Max(), s.Table.Doubles("best")[0], Tol);
        Assert.AreEqual(live.Min(), s.Table.Doubles("worst")[0], Tol);
        var hist = MonoSemanticitySummary.Distribution(r, 5);
        Assert.AreEqual((long)live.Length, hist.Table.Int64s("count").Sum());
        Assert.AreEqual("all", r.ParameterText("top_n"));
    }

    [TestMethod]
    public void BadInputGivesClearErrors()
    {
        var a = EvalFixtures.Random(10, 3, 1, "acts.npy");
        var e = EvalFixtures.Random(9, 4, 2, "emb.npy");
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Neurons(a, e));
        StringAssert.Contains(ex.Message, "acts.npy has 10 rows but emb.npy has 9");
        var zero = DenseMatrix.Create(new float[10 * 2], 10, 2, "zero.npy");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Neurons(a, zero));
        StringAssert.Contains(ex.Message, "zero.npy: row 0 is all zeros");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => DenseMatrix.Create([1f, float.NaN], 1, 2, "nan.npy"));
        StringAssert.Contains(ex.Message, "nan.npy: value NaN at row 0, column 1");
        var c = EvalFixtures.Random(2, 5, 3, "cent.npy");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Clusters(a, c, EvalFixtures.Random(10, 4, 4, "e")));
        StringAssert.Contains(ex.Message, "acts.npy has 3 columns but cent.npy has 5");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Neurons(a, EvalFixtures.Random(10, 4, 4, "e"), topN: 0));
        StringAssert.Contains(ex.Message, "topN must be at least 1");
    }
}

[TestClass]
public sealed class MonoSemanticityStreamingTests
{
    [TestMethod]
    public void StreamingOverAViewMatchesNumpy()
    {
        var a = EvalFixtures.Matrix("A");
        var e = EvalFixtures.Matrix("EMB");
        var view = new ColumnDataView(new DenseArrayColumn("Codes", a.Data, a.Cols), new DenseArrayColumn("Embedding", e.Data, e.Cols));
        var r = MonoSemanticity.Neurons(view, "Codes", "Embedding");
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), r.Table.Doubles("ms"), 1e-5, "ms streamed");
        CollectionAssert.AreEqual(EvalFixtures.Array("ms_support").ToInt32(), r.Table.Int32s("support"));
        var top = MonoSemanticity.Neurons(view, "Codes", "Embedding", topN: 10);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons_top"), top.Table.Doubles("ms"), 1e-5, "ms top from view");
    }

    [TestMethod]
    public void StreamingRejectsNaNAndZeroEmbeddingsByColumn()
    {
        var a = new float[] { 1, 2, 3, float.NaN };
        var e = new float[] { 1, 0, 0, 1, 1, 1, 0, 1 };
        var view = new ColumnDataView(new DenseArrayColumn("Codes", a, 1), new DenseArrayColumn("Embedding", e, 2));
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Neurons(view, "Codes", "Embedding"));
        StringAssert.Contains(ex.Message, "Column 'Codes': value NaN at row 3");
        var zero = new ColumnDataView(new DenseArrayColumn("Codes", new float[] { 1, 2 }, 1), new DenseArrayColumn("Embedding", new float[] { 1, 0, 0, 0 }, 2));
        ex = Assert.ThrowsExactly<ConceptDataException>(() => MonoSemanticity.Neurons(zero, "Codes", "Embedding"));
        StringAssert.Contains(ex.Message, "Column 'Embedding': row 1 is all zeros");
    }
}
