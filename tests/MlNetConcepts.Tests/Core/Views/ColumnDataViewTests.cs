using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.Views;

[TestClass]
public sealed class ColumnDataViewTests
{
    private static (List<float> Dense, List<float> Sparse, List<long> Starts) ReadAll(IDataView view, int blockRows)
    {
        var (dense, sparse, starts) = (new List<float>(), new List<float>(), new List<long>());
        using var reader = new RowBlockReader(view, ["Dense", "Codes"], blockRows);
        while (reader.MoveNext())
        {
            Assert.IsLessThanOrEqualTo(blockRows, reader.BlockRows);
            starts.Add(reader.BlockStart);
            dense.AddRange(reader.Floats("Dense").ToArray());
            sparse.AddRange(reader.Sparse("Codes").ToDense());
        }
        return (dense, sparse, starts);
    }

    [TestMethod]
    public void NpyAndNpzColumnsReadTheFilesRowsThroughTheFastAndTheGenericPath()
    {
        var dense = (float[])NpyFile.Read(PathOf("csr_dense.npy")).Data;
        using var view = new MLContext().Data.LoadFromMatrixFiles(("Dense", PathOf("csr_dense.npy")), ("Codes", PathOf("csr_scipy.npz")));
        Assert.IsTrue(view.Column("Codes").IsSparse);
        Assert.IsFalse(view.Column("Dense").IsSparse);
        int width = ((VectorDataViewType)view.Schema["Codes"].Type).Size;
        Assert.AreEqual("concept_3", ViewColumns.SlotNames(view.Schema["Codes"])![3]);
        Assert.AreEqual(dense.Length / width, (int)view.RowCount);

        var fast = ReadAll(view, 5);
        CollectionAssert.AreEqual(dense, fast.Dense);
        CollectionAssert.AreEqual(dense, fast.Sparse);
        var generic = ReadAll(new OpaqueView(view), 5);
        CollectionAssert.AreEqual(dense, generic.Dense, "the ML.NET cursor path gives the same rows");
        CollectionAssert.AreEqual(dense, generic.Sparse);
        CollectionAssert.AreEqual(fast.Starts, generic.Starts);

        // ML.NET's own cursor: the npz column is a sparse VBuffer with the stored entries only.
        using var cursor = view.GetRowCursor(view.Schema);
        var get = cursor.GetGetter<VBuffer<float>>(view.Schema["Codes"]);
        VBuffer<float> row = default;
        for (int r = 0; cursor.MoveNext(); r++)
        {
            get(ref row);
            Assert.IsFalse(row.IsDense);
            CollectionAssert.AreEqual(dense[(r * width)..((r + 1) * width)], row.DenseValues().ToArray(), $"row {r}");
        }
    }

    [TestMethod]
    public void MappedBlocksPointIntoTheMappingWithoutACopy()
    {
        using var view = new MLContext().Data.LoadFromNpy(PathOf("activations.npy"), "X");
        var matrix = ((MappedNpyColumn)view.Column("X")).Matrix;
        using var reader = new RowBlockReader(view, ["X"], 64);
        Assert.IsTrue(reader.MoveNext());
        Assert.IsTrue(reader.MoveNext());
        var block = reader.Floats("X");
        Assert.IsTrue(Unsafe.AreSame(ref MemoryMarshal.GetReference(block), ref MemoryMarshal.GetReference(matrix.RowBlock(64, 64))), "the block is the mapped rows themselves");
        CollectionAssert.AreEqual(matrix.RowBlock(64, 64).ToArray(), block.ToArray());
    }

    [TestMethod]
    public void SafeTensorsAndInMemoryMatricesLoadAsViews()
    {
        var tensors = SafeTensors.ReadFile(PathOf("all_dtypes.safetensors"));
        var (name, array) = tensors.Tensors.First(t => t.Value.Rank == 2);
        using var view = new MLContext().Data.LoadFromSafeTensors(PathOf("all_dtypes.safetensors"), name);
        CollectionAssert.AreEqual(array.ToFloat32(), RowBlockReader.ReadMatrix(view, "Features", out int rows, out int cols));
        Assert.AreEqual(((int)array.Shape[0], (int)array.Shape[1]), (rows, cols));
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var m = new MLContext().Data.LoadFromMatrix(x, 3, "M", ["a", "b", "c"]);
        Assert.AreEqual("b", ViewColumns.SlotNames(m.Schema["M"])![1]);
        CollectionAssert.AreEqual(x, RowBlockReader.ReadMatrix(new OpaqueView(m), "M", out _, out _));
    }

    [TestMethod]
    public void BadInputIsRejectedNamingTheFilesAndColumns()
    {
        var ml = new MLContext();
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ml.Data.LoadFromMatrixFiles(("A", PathOf("csr_dense.npy")), ("B", PathOf("activations.npy"))));
        StringAssert.Contains(e.Message, "csr_dense.npy has 37 rows but");
        StringAssert.Contains(e.Message, "activations.npy has 300;");
        using var view = ml.Data.LoadFromNpy(PathOf("activations.npy"));
        e = Assert.ThrowsExactly<ConceptDataException>(() => new RowBlockReader(view, ["Nope"]));
        StringAssert.Contains(e.Message, "Column 'Nope' is not in the data (columns: Features)");
        var text = new ColumnDataView(ScalarArrayColumn.Text("T", ["a"]));
        e = Assert.ThrowsExactly<ConceptDataException>(() => RowBlockReader.ReadMatrix(text, "T", out _, out _));
        StringAssert.Contains(e.Message, "Column 'T' is String; expected a fixed-size vector of Single");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new ColumnDataView(new DenseArrayColumn("A", new float[6], 3), new DenseArrayColumn("B", new float[6], 2)));
        StringAssert.Contains(e.Message, "Column 'A' has 2 rows but column 'B' has 3");
    }

    [TestMethod]
    public void ReadMatrixCopiesIntoPlaceAsTheBlockListReferenceGathers()
    {
        // 5,000 rows: several 1,024-row blocks and a partial last one; dense mapped .npy, sparse .npz, and a foreign view.
        var rng = new Random(7);
        var x = Enumerable.Range(0, 5000 * 3).Select(_ => (float)rng.NextDouble()).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"mlnc-readmatrix-{Guid.NewGuid():N}.npy");
        try
        {
            NpyFile.WriteMatrix(path, x, 5000, 3);
            using var mapped = new MLContext().Data.LoadFromNpy(path, "X");
            using var sparse = new MLContext().Data.LoadFromNpy(PathOf("csr_scipy.npz"), "X");
            foreach (var view in new IDataView[] { mapped, new OpaqueView(mapped, tellRowCount: true), new OpaqueView(mapped), sparse, new OpaqueView(sparse, tellRowCount: true) })
            {
                var reference = RowBlockReader.ReadMatrixInBlocks(view, "X", out int rr, out int rw);
                var fast = RowBlockReader.ReadMatrix(view, "X", out int fr, out int fw);
                Assert.AreEqual((rr, rw), (fr, fw));
                CollectionAssert.AreEqual(reference, fast, view.GetType().Name);
            }
            CollectionAssert.AreEqual(x, RowBlockReader.ReadMatrix(new OpaqueView(mapped, tellRowCount: true), "X", out _, out _), "the values of the file");
        }
        finally { File.Delete(path); }
    }
}
