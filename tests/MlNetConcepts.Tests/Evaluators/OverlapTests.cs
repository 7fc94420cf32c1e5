using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

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

    [TestMethod]
    public void CentredVariantMatchesNumpy()
    {
        var o = Overlap.Compute(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), new OverlapOptions { Centred = true });
        Assert.IsTrue(o.Centred);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap_centred"), o.Values, 1e-5, "centred overlap");
    }

    [TestMethod]
    public void FastPathsMatchThePlainReference()
    {
        // 300 rows, ragged 7-row blocks, a constant and an always-on feature, dense and sparse codes.
        var a = EvalFixtures.Random(300, 20, 1, "a", -1, 1);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Math.Max(a.Data[i], 0);
        for (int r = 0; r < 300; r++) { a.Data[r * 20 + 3] = 0.25f; a.Data[r * 20 + 5] = 1 + a.Data[r * 20 + 5]; }
        var x = EvalFixtures.Random(300, 9, 2, "x");
        var c = EvalFixtures.Random(6, 9, 3, "c");
        var sparse = Sparse(a);
        foreach (bool centred in new[] { false, true })
        {
            var expected = OverlapReference.Compute(a, x, c, centred);
            Assert.IsTrue(double.IsNaN(expected[3]) && !double.IsNaN(expected[5]));
            foreach (int? block in new int?[] { null, 7 })
            {
                var options = new OverlapOptions { Centred = centred, BlockRows = block };
                EvalFixtures.AssertClose(expected, Overlap.Compute(a, x, c, options).Values, 1e-5, $"dense, centred={centred}, block={block}");
                EvalFixtures.AssertClose(expected, Overlap.Compute(sparse, RowBlocks.Of(x), c, options).Values, 1e-6, $"sparse, centred={centred}, block={block}");
            }
        }
    }

    [TestMethod]
    public void SparseCodesFromNpzMatchNumpy()
    {
        var codes = SparseRows.ReadNpz(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", "A_csr.npz"));
        Assert.AreEqual(60, codes.Rows);
        Assert.AreEqual(12, codes.Cols);
        var x = RowBlocks.Of(EvalFixtures.Matrix("X"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), Overlap.Compute(codes, x, EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = 7 }).Values, 1e-6, "sparse overlap");
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap_centred"), Overlap.Compute(codes, x, EvalFixtures.Matrix("C"), new OverlapOptions { Centred = true }).Values, 1e-6, "sparse centred overlap");
    }

    [TestMethod]
    public void MemoryMappedBlocksMatchInMemoryAndNumpy()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-overlap-").FullName;
        try
        {
            var a = EvalFixtures.Matrix("A");
            var x = EvalFixtures.Matrix("X");
            NpyFile.WriteMatrix(Path.Combine(dir, "a.npy"), a.Data, a.Rows, a.Cols);
            NpyFile.WriteMatrix(Path.Combine(dir, "x.npy"), x.Data, x.Rows, x.Cols);
            using var am = NpyMappedMatrix.Open(Path.Combine(dir, "a.npy"));
            using var xm = NpyMappedMatrix.Open(Path.Combine(dir, "x.npy"));
            var inMemory = Fixture();
            foreach (int block in new[] { 1, 7, 60, 1000 })
            {
                var mapped = Overlap.Compute(RowBlocks.Of(am), RowBlocks.Of(xm), EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = block });
                EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), mapped.Values, 1e-5, $"mapped, {block}-row blocks vs numpy");
                EvalFixtures.AssertClose(inMemory.Values, mapped.Values, 1e-6, $"mapped, {block}-row blocks vs in memory");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void NonFiniteMappedValueIsNamed()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-overlap-").FullName;
        try
        {
            var x = EvalFixtures.Matrix("X");
            var bad = (float[])x.Data.Clone();
            bad[13 * x.Cols + 2] = float.NaN;
            string path = Path.Combine(dir, "bad.npy");
            NpyFile.WriteMatrix(path, bad, x.Rows, x.Cols);
            using var xm = NpyMappedMatrix.Open(path);
            var ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(RowBlocks.Of(EvalFixtures.Matrix("A")), RowBlocks.Of(xm), EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = 5 }));
            StringAssert.Contains(ex.Message, "bad.npy: value NaN at row 13, column 2");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BrokenSparseCodesAreClearErrors()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => SparseRows.Create("z.npz", 2, 3, [0, 2, 1], [0, 1], [1f, 2f]));
        StringAssert.Contains(ex.Message, "z.npz: indptr must run from 0 to 2");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => SparseRows.Create("z.npz", 2, 3, [0, 2, 1, 2], [0, 1], [1f, 2f]));
        StringAssert.Contains(ex.Message, "indptr has 4 entries but 2 rows need 3");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => SparseRows.Create("z.npz", 2, 3, [0, 2, 2], [0, 3], [1f, 2f]));
        StringAssert.Contains(ex.Message, "z.npz: row 0 stores column 3, outside [0, 3)");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => SparseRows.Create("z.npz", 2, 3, [0, 1, 2], [0, 1], [1f, float.PositiveInfinity]));
        StringAssert.Contains(ex.Message, "at row 1, column 1 is not finite");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(SparseRows.Create("z.npz", 2, 3, [0, 1, 2], [0, 1], [1f, 2f]), RowBlocks.Of(EvalFixtures.Matrix("X")), EvalFixtures.Matrix("C")));
        StringAssert.Contains(ex.Message, "z.npz has 2 rows but X has 60");
    }

    /// <summary>The dense matrix in CSR form, zeros left out.</summary>
    internal static SparseRows Sparse(DenseMatrix m)
    {
        var start = new List<long> { 0 }; var cols = new List<int>(); var vals = new List<float>();
        for (int r = 0; r < m.Rows; r++)
        {
            for (int k = 0; k < m.Cols; k++)
                if (m.Data[r * m.Cols + k] != 0) { cols.Add(k); vals.Add(m.Data[r * m.Cols + k]); }
            start.Add(cols.Count);
        }
        return SparseRows.Create(m.Name, m.Rows, m.Cols, start.ToArray(), cols.ToArray(), vals.ToArray());
    }
}
