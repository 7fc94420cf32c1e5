using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class TopNSelectorTests
{
    [TestMethod]
    public void HeapSelectionMatchesFullSortIncludingTies()
    {
        var rng = new Random(7);
        var data = new float[500 * 9];
        // Few distinct values, so ties are everywhere.
        for (int i = 0; i < data.Length; i++) data[i] = rng.Next(0, 5);
        var m = DenseMatrix.Create(data, 500, 9, "m");
        foreach (int n in new[] { 1, 3, 16, 499, 600 })
        {
            var sel = new TopNSelector(9, n);
            // Stream in uneven blocks to exercise the firstRow offsets.
            sel.Add(data.AsSpan(0, 123 * 9), 123, 0);
            sel.Add(data.AsSpan(123 * 9), 377, 123);
            for (int c = 0; c < 9; c++) CollectionAssert.AreEqual(TopNReference.RowsOf(m, c, n), sel.RowsOf(c), $"n={n} column {c}");
        }
    }

    [TestMethod]
    public void OnlyAboveKeepsStrictlyLargerValues()
    {
        var m = DenseMatrix.Create([0f, 1f, 2f, 0f, 0f, 3f], 3, 2, "m");
        var sel = TopNSelector.FromMatrix(m, 5, onlyAbove: 0f);
        CollectionAssert.AreEqual(new long[] { 1 }, sel.RowsOf(0));
        CollectionAssert.AreEqual(new long[] { 2, 0 }, sel.RowsOf(1));
        CollectionAssert.AreEqual(new float[] { 3f, 1f }, sel.ValuesOf(1));
    }
}
