using MlNetConcepts.Data;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class MatrixFilesViewTests
{
    [TestMethod]
    public void DenseAndSparseColumnsStreamTheFilesRows()
    {
        var dense = (float[])NpyFile.Read(PathOf("csr_dense.npy")).Data;
        using var view = MatrixFilesView.Open(("Dense", PathOf("csr_dense.npy")), ("Codes", PathOf("csr_scipy.npz")));
        Assert.IsFalse(view.Schema["Dense"].Type.IsSparse);
        Assert.IsTrue(view.Schema["Codes"].Type.IsSparse);
        int width = view.Schema["Codes"].Type.VectorSize;
        var fromDense = new List<float>();
        var fromSparse = new List<float>();
        using var cursor = view.GetCursor(5);
        while (cursor.MoveNext())
        {
            Assert.IsTrue(cursor.BatchRows <= 5);
            fromDense.AddRange(cursor.GetFloats(0).ToArray());
            fromSparse.AddRange(cursor.GetSparse(1).ToDense());
        }
        CollectionAssert.AreEqual(dense, fromDense);
        CollectionAssert.AreEqual(dense, fromSparse);
        Assert.AreEqual(dense.Length / width, (int)view.RowCount!.Value);
    }

    [TestMethod]
    public void FilesWithDifferentRowCountsAreRejectedNamingBoth()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MatrixFilesView.Open(("A", PathOf("csr_dense.npy")), ("B", PathOf("activations.npy"))));
        StringAssert.Contains(e.Message, "csr_dense.npy has 37 rows but");
        StringAssert.Contains(e.Message, "activations.npy has 300;");
    }
}
