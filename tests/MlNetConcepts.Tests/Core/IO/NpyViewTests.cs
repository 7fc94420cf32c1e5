using MlNetConcepts.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Pipeline;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class NpyViewTests
{
    [TestMethod]
    public void MappedMatrixEqualsNumpysValues()
    {
        using var m = NpyMappedMatrix.Open(PathOf("activations.npy"));
        var e = Expected("activations.npy");
        CollectionAssert.AreEqual(Shape(e), new[] { m.Rows, m.Cols });
        var all = m.ReadAll();
        var reference = NpyFile.Read(PathOf("activations.npy"));
        CollectionAssert.AreEqual((float[])reference.Data, all);
        // Sum in double against numpy's float64 sum: the mapping covers exactly the data section.
        Assert.AreEqual(Number(e, "sum"), all.Sum(v => (double)v), 1e-9 * Math.Abs(Number(e, "sum")));
        CollectionAssert.AreEqual(all.AsSpan(17 * 24, 24).ToArray(), m.Row(17).ToArray());
        CollectionAssert.AreEqual(all.AsSpan(299 * 24, 24).ToArray(), m.Row(299).ToArray());
        var dest = new float[3 * 24];
        m.CopyRows(100, 3, dest);
        CollectionAssert.AreEqual(all.AsSpan(100 * 24, 72).ToArray(), dest);
    }

    [TestMethod]
    public void RowsOutsideTheMatrixAreRejected()
    {
        using var m = NpyMappedMatrix.Open(PathOf("f4_2d.npy"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => m.Row(5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => m.RowBlock(3, 3));
        m.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => m.Row(0));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(300)]
    [DataRow(1024)]
    public void MappedViewEqualsInMemoryRead(int batch)
    {
        var path = PathOf("activations.npy");
        var reference = NpyFile.ReadMatrix(path, out int rows, out int cols);
        using var view = new NpyView(path);
        Assert.AreEqual(rows, view.RowCount);
        Assert.AreEqual("Features", view.Schema[0].Name);
        Assert.AreEqual(ColumnType.DenseVector(cols), view.Schema[0].Type);
        var seen = new List<float>();
        long expectedStart = 0;
        using (var cursor = view.GetCursor(batch))
        {
            while (cursor.MoveNext())
            {
                Assert.AreEqual(expectedStart, cursor.BatchStart);
                Assert.AreEqual(Math.Min(batch, rows - (int)expectedStart), cursor.BatchRows);
                var block = cursor.GetFloats(0);
                Assert.AreEqual(cursor.BatchRows * cols, block.Length);
                seen.AddRange(block.ToArray());
                expectedStart += cursor.BatchRows;
            }
        }
        CollectionAssert.AreEqual(reference, seen);
    }

    [TestMethod]
    public void CatalogVerbLoadsMappedOrInMemoryWithTheSameValues()
    {
        var ctx = new ConceptContext(seed: 1);
        var path = PathOf("activations.npy");
        var mapped = ctx.Data.LoadNpy(path, column: "X");
        var loaded = ctx.Data.LoadNpy(path, column: "X", memoryMap: false);
        Assert.IsInstanceOfType<NpyView>(mapped);
        Assert.IsInstanceOfType<InMemoryView>(loaded);
        var a = mapped.ReadMatrix("X", out int ra, out int wa);
        var b = loaded.ReadMatrix("X", out int rb, out int wb);
        Assert.AreEqual((300, 24), (ra, wa));
        Assert.AreEqual((ra, wa), (rb, wb));
        CollectionAssert.AreEqual(b, a);
        ((IDisposable)mapped).Dispose();
    }

    [TestMethod]
    public void InMemoryLoadConvertsOtherDtypes()
    {
        var view = new ConceptContext().Data.LoadNpy(PathOf("u1_2d.npy"), memoryMap: false);
        var m = view.ReadMatrix("Features", out int rows, out int cols);
        Assert.AreEqual((3, 5), (rows, cols));
        CollectionAssert.AreEqual(Values(Expected("u1_2d.npy")).Select(v => (float)v).ToArray(), m);
    }

    [TestMethod]
    public void MappingNeedsFloat32()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpyMappedMatrix.Open(PathOf("f8_1d.npy")));
        StringAssert.Contains(e.Message, "f8_1d.npy: memory-mapped reading needs float32 (<f4) data but the file holds <f8");
    }

    [TestMethod]
    public void MappingNeedsRankOneOrTwo()
    {
        using var dir = NewTempDir();
        NpyFile.Write(dir.File("cube.npy"), NdArray.FromFloats(new float[8], 2, 2, 2));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpyMappedMatrix.Open(dir.File("cube.npy")));
        StringAssert.Contains(e.Message, "expected a 2-D array (rows × columns) but the shape is (2, 2, 2)");
    }

    [TestMethod]
    public void MappingATruncatedFileFailsUpFront()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "activations.npy");
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 24 * 4);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new NpyView(path));
        Assert.AreEqual($"{path}: truncated data: shape (300, 24) of <f4 needs 28800 bytes but only 28704 follow the header.", e.Message);
    }

    [TestMethod]
    public void OneDimensionalFileIsOneColumn()
    {
        using var dir = NewTempDir();
        NpyFile.Write(dir.File("v.npy"), NdArray.FromFloats([1, 2, 3], 3));
        using var view = new NpyView(dir.File("v.npy"));
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, view.ReadMatrix("Features", out _, out int w));
        Assert.AreEqual(1, w);
    }
}
