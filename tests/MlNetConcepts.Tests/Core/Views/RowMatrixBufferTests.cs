using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.Views;

[TestClass]
public sealed unsafe class RowMatrixBufferTests
{
    [TestMethod]
    public void ReadCopiesEveryKindOfViewAsTheBlockListReferenceGathers()
    {
        // 5,000 rows: several 1,024-row blocks and a partial last one; dense mapped .npy, sparse .npz, foreign views.
        var rng = new Random(7);
        var x = Enumerable.Range(0, 5000 * 3).Select(_ => (float)rng.NextDouble()).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"mlnc-rowmatrix-{Guid.NewGuid():N}.npy");
        try
        {
            NpyFile.WriteMatrix(path, x, 5000, 3);
            using var mapped = new MLContext().Data.LoadFromNpy(path, "X");
            using var sparse = new MLContext().Data.LoadFromNpy(PathOf("csr_scipy.npz"), "X");
            foreach (var view in new IDataView[] { mapped, new OpaqueView(mapped, tellRowCount: true), new OpaqueView(mapped), sparse, new OpaqueView(sparse) })
            {
                var reference = RowBlockReader.ReadMatrixInBlocks(view, "X", out int rows, out int width);
                using var buffer = RowMatrixBuffer.Read(view, "X");
                Assert.AreEqual(((long)rows, width), (buffer.Rows, buffer.Width));
                CollectionAssert.AreEqual(reference, buffer.RowBlock(0, rows).ToArray(), view.GetType().Name);
                CollectionAssert.AreEqual(reference[(3 * width)..(5 * width)], buffer.RowMemory(3, 2).ToArray(), "a memory of rows 3 and 4");
            }
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void BlocksAreAlignedPinnedInPlaceAndRangeChecked()
    {
        using var buffer = new RowMatrixBuffer(1000, 7);
        fixed (float* first = buffer.RowBlock(0, 1))
        {
            Assert.AreEqual(0L, (long)first % RowMatrixBuffer.Alignment);
            using var pin = buffer.RowMemory(10, 5).Pin();
            Assert.AreEqual((nint)(first + 70), (nint)pin.Pointer, "a memory points into the buffer, no copy");
        }
        buffer.RowBlock(999, 1)[6] = 42f;
        Assert.AreEqual(42f, buffer.RowMemory(999, 1).Span[6]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.RowBlock(999, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.RowMemory(-1, 1));
        buffer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => buffer.RowBlock(0, 1));
    }

    [TestMethod]
    public void AForeignViewThatBreaksItsRowCountIsAnError()
    {
        var view = new MLContext().Data.LoadFromMatrix(new float[12], 3, "X");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => RowMatrixBuffer.Read(new MiscountingView(view, 5), "X"));
        StringAssert.Contains(e.Message, "Column 'X'");
        StringAssert.Contains(e.Message, "gave 4");
    }

    /// <summary>A foreign view that claims another row count than its cursor gives.</summary>
    private sealed class MiscountingView(IDataView inner, long claimed) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => claimed;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];
    }
}
