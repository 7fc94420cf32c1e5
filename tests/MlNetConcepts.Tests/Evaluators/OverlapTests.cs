using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

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
        Assert.AreEqual(count, m.Table.Rows.Count);
        Assert.IsTrue(count > 0, "the fixture has matches at tau = 0.8");
        var ov = m.Table.Doubles("overlap");
        for (int i = 1; i < ov.Length; i++) Assert.IsTrue(ov[i - 1] >= ov[i]);
        Assert.AreEqual("0.8", m.ParameterText("tau"));
        var bestF = o.BestFeaturePerCluster();
        for (int j = 0; j < 5; j++)
        {
            var row = Enumerable.Range(0, 12).Where(k => !double.IsNaN(expected[j * 12 + k])).ToArray();
            int arg = row.OrderByDescending(k => expected[j * 12 + k]).First();
            Assert.AreEqual(arg, bestF.Table.Int32s("feature")[j]);
        }
        var bestC = o.BestClusterPerFeature();
        Assert.AreEqual(-1, bestC.Table.Int32s("cluster")[0]);
        int argc = Enumerable.Range(0, 5).OrderByDescending(j => expected[j * 12 + 7]).First();
        Assert.AreEqual(argc, bestC.Table.Int32s("cluster")[7]);
    }

    [TestMethod]
    public void CoreRepresentativesAreLargestProducts()
    {
        var f = Overlap.CoreRepresentatives(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), 0, 7, 5);
        CollectionAssert.AreEqual(EvalFixtures.Longs("core_0_7"), f.Table.Int64s("sample"));
    }

    [TestMethod]
    public void JsdMatchesNumpyForAllPairsAndCandidates()
    {
        var o = Fixture();
        var expected = EvalFixtures.Doubles("jsd");
        var all = JensenShannon.Pairs(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), o);
        Assert.AreEqual(60, all.Table.Rows.Count);
        Assert.AreEqual("all pairs", all.ParameterText("mode"));
        var cl = all.Table.Int32s("cluster"); var fe = all.Table.Int32s("feature"); var js = all.Table.Doubles("jsd");
        EvalFixtures.AssertClose(Enumerable.Range(0, 60).Select(i => expected[cl[i] * 12 + fe[i]]).ToArray(), js, 1e-6, "jsd");
        var top = JensenShannon.Pairs(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), o, candidatesPerCluster: 3);
        Assert.AreEqual(15, top.Table.Rows.Count);
        var overlap = EvalFixtures.Doubles("overlap");
        for (int i = 0; i < top.Table.Rows.Count; i++)
        {
            int j = top.Table.Int32s("cluster")[i], k = top.Table.Int32s("feature")[i];
            Assert.AreEqual(expected[j * 12 + k], top.Table.Doubles("jsd")[i], 1e-6);
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
        // 300 rows, ragged 7-row blocks, a constant and an always-on feature; dense in memory, dense
        // and sparse (CSR .npz) files.
        var a = EvalFixtures.Random(300, 20, 1, "a", -1, 1);
        for (int i = 0; i < a.Data.Length; i++) a.Data[i] = Math.Max(a.Data[i], 0);
        for (int r = 0; r < 300; r++) { a.Data[r * 20 + 3] = 0.25f; a.Data[r * 20 + 5] = 1 + a.Data[r * 20 + 5]; }
        var x = EvalFixtures.Random(300, 9, 2, "x");
        var c = EvalFixtures.Random(6, 9, 3, "c");
        var dir = Directory.CreateTempSubdirectory("mlnc-overlap-").FullName;
        try
        {
            NpyFile.WriteMatrix(Path.Combine(dir, "a.npy"), a.Data, a.Rows, a.Cols);
            NpyFile.WriteMatrix(Path.Combine(dir, "x.npy"), x.Data, x.Rows, x.Cols);
            WriteCsr(Path.Combine(dir, "a.npz"), a);
            using var dense = MatrixFile.Open(Path.Combine(dir, "a.npy"));
            using var sparse = MatrixFile.Open(Path.Combine(dir, "a.npz"));
            using var xf = MatrixFile.Open(Path.Combine(dir, "x.npy"));
            Assert.IsTrue(sparse.IsSparse);
            foreach (bool centred in new[] { false, true })
            {
                var expected = OverlapReference.Compute(a, x, c, centred);
                Assert.IsTrue(double.IsNaN(expected[3]) && !double.IsNaN(expected[5]));
                foreach (int? block in new int?[] { null, 7 })
                {
                    var options = new OverlapOptions { Centred = centred, BlockRows = block };
                    EvalFixtures.AssertClose(expected, Overlap.Compute(a, x, c, options).Values, 1e-5, $"in memory, centred={centred}, block={block}");
                    EvalFixtures.AssertClose(expected, Overlap.Compute(dense, xf, c, options).Values, 1e-5, $"dense file, centred={centred}, block={block}");
                    EvalFixtures.AssertClose(expected, Overlap.Compute(sparse, xf, c, options).Values, 1e-5, $"sparse file, centred={centred}, block={block}");
                }
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SparseCodesFromNpzMatchNumpy()
    {
        using var codes = MatrixFile.Open(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", "A_csr.npz"));
        using var x = MatrixFile.Open(EvalFixtures.PathOf("X"));
        Assert.IsTrue(codes.IsSparse);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), Overlap.Compute(codes, x, EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = 7 }).Values, 1e-6, "sparse overlap");
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap_centred"), Overlap.Compute(codes, x, EvalFixtures.Matrix("C"), new OverlapOptions { Centred = true }).Values, 1e-6, "sparse centred overlap");
    }

    [TestMethod]
    public void FileBlocksMatchInMemoryAndNumpy()
    {
        using var am = MatrixFile.Open(EvalFixtures.PathOf("A"));
        using var xm = MatrixFile.Open(EvalFixtures.PathOf("X"));
        var inMemory = Fixture();
        foreach (int block in new[] { 1, 7, 60, 1000 })
        {
            var streamed = Overlap.Compute(am, xm, EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = block });
            EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), streamed.Values, 1e-5, $"{block}-row blocks vs numpy");
            EvalFixtures.AssertClose(inMemory.Values, streamed.Values, 1e-6, $"{block}-row blocks vs in memory");
        }
    }

    [TestMethod]
    public void BadFileInputsAreNamed()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-overlap-").FullName;
        try
        {
            var x = EvalFixtures.Matrix("X");
            var bad = (float[])x.Data.Clone();
            bad[13 * x.Cols + 2] = float.NaN;
            string path = Path.Combine(dir, "bad.npy");
            NpyFile.WriteMatrix(path, bad, x.Rows, x.Cols);
            using var a = MatrixFile.Open(EvalFixtures.PathOf("A"));
            using var xm = MatrixFile.Open(path);
            var ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(a, xm, EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = 5 }));
            StringAssert.Contains(ex.Message, "bad.npy: value NaN at row 13, column 2");
            var seven = EvalFixtures.Random(7, 12, 1, "z");
            WriteCsr(Path.Combine(dir, "z.npz"), seven);
            using var z = MatrixFile.Open(Path.Combine(dir, "z.npz"));
            using var x60 = MatrixFile.Open(EvalFixtures.PathOf("X"));
            ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(z, x60, EvalFixtures.Matrix("C")));
            StringAssert.Contains(ex.Message, "z.npz has 7 rows but");
            StringAssert.Contains(ex.Message, "X.npy has 60");
            ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(x60, z, EvalFixtures.Matrix("C")));
            StringAssert.Contains(ex.Message, "z.npz: activations must be a dense .npy");
            NpyFile.WriteMatrix(Path.Combine(dir, "empty.npy"), [], 0, 12);
            using var empty = MatrixFile.Open(Path.Combine(dir, "empty.npy"));
            ex = Assert.ThrowsExactly<ConceptDataException>(() => Overlap.Compute(empty, empty, EvalFixtures.Matrix("C")));
            StringAssert.Contains(ex.Message, "empty.npy has no rows");
            // An oversized block request is clamped to what one array holds, not an overflow.
            EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), Overlap.Compute(a, x60, EvalFixtures.Matrix("C"), new OverlapOptions { BlockRows = int.MaxValue }).Values, 1e-5, "huge block");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Writes <paramref name="m"/> as CSR codes the way <c>mlnc sae encode --sparse</c> does (zeros left out).</summary>
    internal static void WriteCsr(string path, DenseMatrix m)
    {
        var start = new List<long> { 0 }; var cols = new List<int>(); var vals = new List<float>();
        for (int r = 0; r < m.Rows; r++)
        {
            for (int k = 0; k < m.Cols; k++)
                if (m.Data[r * m.Cols + k] != 0) { cols.Add(k); vals.Add(m.Data[r * m.Cols + k]); }
            start.Add(cols.Count);
        }
        using var file = File.Create(path);
        using var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Create);
        foreach (var (name, array) in new[]
        {
            ("indptr", NdArray.FromInt64s(start.ToArray(), start.Count)),
            ("indices", NdArray.FromInt32s(cols.ToArray(), cols.Count)),
            ("values", NdArray.FromFloats(vals.ToArray(), vals.Count)),
            ("shape", NdArray.FromInt64s([m.Rows, m.Cols], 2)),
        })
        {
            using var e = zip.CreateEntry(name + ".npy").Open();
            NpyFile.Write(e, array);
        }
    }
}
