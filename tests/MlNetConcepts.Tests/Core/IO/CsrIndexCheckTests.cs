using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class CsrIndexCheckTests
{
    // 3,000 rows are three pieces, the last one short.
    private const int Rows = 3000, Cols = 300;

    private static (long[] RowStart, int[] Indices) RandomRows(int seed)
    {
        var rng = new Random(seed);
        var rowStart = new long[Rows + 1];
        var indices = new List<int>();
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++) if (rng.NextDouble() < 0.05) indices.Add(c);
            rowStart[r + 1] = indices.Count;
        }
        return (rowStart, indices.ToArray());
    }

    [TestMethod]
    public void ValidRowsPassOnOneTwoAndThreeThreads()
    {
        var (rowStart, indices) = RandomRows(1);
        foreach (int threads in new[] { 1, 2, 3 }) Assert.IsTrue(CsrIndexCheck.AllValid(rowStart, indices, Cols, threads), $"{threads} threads");
        CsrIndexCheck.Reference("x.npz", rowStart, indices, Cols); // the plain check agrees: no throw
    }

    // Each damage in a later piece: the fast check finds it on every thread count, and the error is the plain one's.
    [TestMethod]
    [DataRow("outside", "row 2500 stores column 300, outside 0..299")]
    [DataRow("negative", "row 2500 stores column -1, outside 0..299")]
    [DataRow("repeated", "the column indices of row 2500 are not strictly increasing")]
    [DataRow("decreasing", "the column indices of row 2500 are not strictly increasing")]
    public void DamageInALaterPieceIsFoundAndNamedAsThePlainCheckNamesIt(string damage, string message)
    {
        var (rowStart, indices) = RandomRows(2);
        int r = 2500;
        while (rowStart[r + 1] - rowStart[r] < 2) r++;
        Assert.AreEqual(2500, r, "the random row 2500 holds at least two values");
        int first = (int)rowStart[r], last = (int)rowStart[r + 1] - 1;
        switch (damage)
        {
            case "outside": indices[last] = Cols; break;
            case "negative": indices[first] = -1; break;
            case "repeated": indices[first + 1] = indices[first]; break;
            default: (indices[first], indices[first + 1]) = (indices[first + 1], indices[first]); break;
        }
        foreach (int threads in new[] { 1, 2, 3 }) Assert.IsFalse(CsrIndexCheck.AllValid(rowStart, indices, Cols, threads), $"{threads} threads");
        var plain = Assert.ThrowsExactly<ConceptDataException>(() => CsrIndexCheck.Reference("x.npz", rowStart, indices, Cols)).Message;
        var fast = Assert.ThrowsExactly<ConceptDataException>(() => CsrIndexCheck.Check("x.npz", rowStart, indices, Cols, 2)).Message;
        Assert.AreEqual(plain, fast);
        StringAssert.StartsWith(fast, "x.npz: " + message);
    }
}
