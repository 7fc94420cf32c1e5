using System.IO.Compression;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class MatrixFileTests
{
    [TestMethod]
    public void MappedFloat32BlocksEqualTheWholeRead()
    {
        var whole = NpyFile.Read(PathOf("activations.npy"));
        var expected = (float[])whole.Data;
        using var m = MatrixFile.Open(PathOf("activations.npy"));
        Assert.IsFalse(m.IsSparse);
        Assert.AreEqual(whole.Shape[0], m.Rows);
        Assert.AreEqual((int)whole.Shape[1], m.Cols);
        var got = new List<float>();
        var block = new float[7 * m.Cols];
        for (long start = 0; start < m.Rows; start += 7)
        {
            int rows = (int)Math.Min(7, m.Rows - start);
            m.ReadRows(start, rows, block);
            got.AddRange(block.AsSpan(0, rows * m.Cols).ToArray());
        }
        CollectionAssert.AreEqual(expected, got);
    }

    [TestMethod]
    public void OtherDtypesAreConvertedToFloat32()
    {
        using var m = MatrixFile.Open(PathOf("f8_1d.npy"));
        var expected = NpyFile.Read(PathOf("f8_1d.npy")).ToFloat64();
        Assert.AreEqual(1, m.Cols);
        var got = new float[m.Rows];
        m.ReadRows(0, (int)m.Rows, got);
        CollectionAssert.AreEqual(expected.Select(v => (float)v).ToArray(), got);
    }

    [TestMethod]
    public void ScipyCsrArchiveReadsAsTheDenseMatrixScipyWrote()
    {
        var dense = NpyFile.Read(PathOf("csr_dense.npy"));
        using var m = MatrixFile.Open(PathOf("csr_scipy.npz"));
        Assert.IsTrue(m.IsSparse);
        Assert.AreEqual(dense.Shape[0], m.Rows);
        Assert.AreEqual((int)dense.Shape[1], m.Cols);
        var all = new float[m.Rows * m.Cols];
        m.ReadRows(0, (int)m.Rows, all);
        CollectionAssert.AreEqual((float[])dense.Data, all);
        // A block in the middle, in both forms.
        var block = new float[4 * m.Cols];
        m.ReadRows(3, 4, block);
        CollectionAssert.AreEqual(all.AsSpan(3 * m.Cols, 4 * m.Cols).ToArray(), block);
        CollectionAssert.AreEqual(block, m.ReadSparse(3, 4).ToDense());
    }

    // numpy's savez of CSR arrays (stored members: int32 indices and float32 values read in place) against the
    // dense matrix numpy wrote beside it, and against the same members deflated (read through the plain reader).
    [TestMethod]
    public void StoredCsrReadInPlaceEqualsNumpysDenseMatrixAndTheDeflatedCopy()
    {
        string Evaluators(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", name);
        var dense = (float[])NpyFile.Read(Evaluators("A.npy")).Data;
        using var dir = NewTempDir();
        var deflated = dir.File("A_deflated.npz");
        using (var source = ZipFile.OpenRead(Evaluators("A_csr.npz")))
        using (var target = ZipFile.Open(deflated, ZipArchiveMode.Create))
            foreach (var entry in source.Entries)
            {
                using var from = entry.Open();
                using var to = target.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
                from.CopyTo(to);
            }
        using var inPlace = MatrixFile.Open(Evaluators("A_csr.npz"));
        using var copy = MatrixFile.Open(deflated);
        foreach (var m in new[] { inPlace, copy })
        {
            Assert.IsTrue(m.IsSparse);
            var all = new float[m.Rows * m.Cols];
            m.ReadRows(0, (int)m.Rows, all);
            CollectionAssert.AreEqual(dense, all, m.Path);
        }
        var a = inPlace.ReadSparse(7, 20);
        var b = copy.ReadSparse(7, 20);
        CollectionAssert.AreEqual(b.RowOffsets.ToArray(), a.RowOffsets.ToArray());
        CollectionAssert.AreEqual(b.Indices.ToArray(), a.Indices.ToArray());
        CollectionAssert.AreEqual(b.Values.ToArray(), a.Values.ToArray());
    }

    [TestMethod]
    [DataRow(CompressionLevel.NoCompression)]
    [DataRow(CompressionLevel.Optimal)]
    public void BadSparseArchivesNameTheFileAndTheArray(CompressionLevel level)
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-matrix-").FullName;
        try
        {
            string Write(string name, params (string, NdArray)[] arrays)
            {
                var path = Path.Combine(dir, name);
                using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
                foreach (var (member, a) in arrays)
                {
                    using var s = zip.CreateEntry(member + ".npy", level).Open();
                    NpyFile.Write(s, a);
                }
                return path;
            }
            var shape = ("shape", NdArray.FromInt64s([2, 3], 2));
            var indptr = ("indptr", NdArray.FromInt64s([0, 1, 2], 3));
            var values = ("values", NdArray.FromFloats([1f, 2f], 2));
            var missing = Write("missing.npz", shape, indptr, values);
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => MatrixFile.Open(missing)).Message, "'indices' is missing");
            var outside = Write("outside.npz", shape, indptr, values, ("indices", NdArray.FromInt32s([0, 3], 2)));
            var e = Assert.ThrowsExactly<ConceptDataException>(() => MatrixFile.Open(outside)).Message;
            StringAssert.Contains(e, "outside.npz: row 1 stores column 3");
            var shortPtr = Write("short.npz", shape, ("indptr", NdArray.FromInt64s([0, 2], 2)), values, ("indices", NdArray.FromInt32s([0, 1], 2)));
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => MatrixFile.Open(shortPtr)).Message, "'indptr' has 2 entries");
            var unsorted = Write("unsorted.npz", shape, ("indptr", NdArray.FromInt64s([0, 2, 2], 3)), values, ("indices", NdArray.FromInt32s([2, 1], 2)));
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => MatrixFile.Open(unsorted)).Message, "not strictly increasing");
            var wide = Write("wide.npz", shape, indptr, values, ("indices", NdArray.FromInt64s([0, -1], 2)));
            StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => MatrixFile.Open(wide)).Message, "wide.npz: row 1 stores column -1");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BlockRowsRespectTheByteBudget()
    {
        Assert.AreEqual(1024, MatrixFile.BlockRowsFor(256, 1 << 20));
        Assert.AreEqual(1, MatrixFile.BlockRowsFor(1 << 20, 16));
    }
}
