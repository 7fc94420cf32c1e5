using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public class VectorOpsTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 15, 16, 17, 33, 100, 1023];

    private static float[] Random(int n, int seed) => GemmOracle.RandomMatrix(new Random(seed), n);

    [TestMethod]
    public void DotAndNormMatchPlainLoops()
    {
        foreach (int n in Lengths)
        {
            var x = Random(n, n); var y = Random(n, n + 1);
            double dot = VectorReference.Dot(x, y), abs = 0;
            for (int i = 0; i < n; i++) abs += Math.Abs((double)x[i] * y[i]);
            Assert.AreEqual(dot, VectorOps.Dot(x, y), 2 * (n + 1) * 6e-8 * abs + 1e-12, $"n={n}");
            Assert.AreEqual(VectorReference.Norm(x), VectorOps.Norm(x), 1e-6 * (1 + VectorReference.Norm(x)), $"n={n}");
        }
        Assert.AreEqual(5f, VectorOps.Norm([3f, 4f]));
        Assert.AreEqual(32f, VectorOps.Dot([1f, 2f, 3f], [4f, 5f, 6f]));
    }

    [TestMethod]
    public void AxpyAndScaleMatchPlainLoops()
    {
        foreach (int n in Lengths)
        {
            var x = Random(n, 3); var y = Random(n, 4);
            var expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = MathF.FusedMultiplyAdd(-1.5f, x[i], y[i]);
            VectorOps.Axpy(-1.5f, x, y);
            for (int i = 0; i < n; i++) Assert.AreEqual(expected[i], y[i], 1e-6f, $"n={n} i={i}");
            VectorOps.Scale(2f, y);
            for (int i = 0; i < n; i++) Assert.AreEqual(2 * expected[i], y[i], 2e-6f);
        }
        Assert.ThrowsExactly<ArgumentException>(() => VectorOps.Axpy(1f, new float[3], new float[4]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => VectorOps.Dot(new float[3], new float[2]));
        StringAssert.Contains(e.Message, "y has length 2, expected 3");
    }

    [TestMethod]
    public void RowNormsAndNormalizeRows()
    {
        const int rows = 5, cols = 19;
        var m = Random(rows * cols, 9);
        m.AsSpan(2 * cols, cols).Clear(); // a zero row must stay zero, not become NaN
        var norms = new float[rows];
        VectorOps.RowNorms(m, rows, cols, norms);
        for (int i = 0; i < rows; i++)
            Assert.AreEqual(VectorReference.Norm(m.AsSpan(i * cols, cols)), norms[i], 1e-6);

        var copy = (float[])m.Clone();
        Assert.AreEqual(1, VectorOps.NormalizeRows(copy, rows, cols));
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                float want = norms[i] == 0 ? 0f : m[i * cols + j] / norms[i];
                Assert.AreEqual(want, copy[i * cols + j], 1e-6f);
            }
            Assert.AreEqual(i == 2 ? 0.0 : 1.0, VectorReference.Norm(copy.AsSpan(i * cols, cols)), 1e-6);
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => VectorOps.RowNorms(new float[10], 3, 4, new float[3]));
        StringAssert.Contains(e.Message, "3×4 matrix needs 12 values but the buffer holds 10");
    }

    [TestMethod]
    public void MinMaxAndArgExtremaTakeTheLowestIndexAmongTies()
    {
        foreach (int n in Lengths.Where(n => n > 0))
        {
            var x = Random(n, 20 + n);
            var (min, max) = VectorOps.MinMax(x);
            Assert.AreEqual(x.Min(), min);
            Assert.AreEqual(x.Max(), max);
            Assert.AreEqual(VectorReference.ArgMax(x), VectorOps.ArgMax(x), $"n={n}");
            Assert.AreEqual(VectorReference.ArgMin(x), VectorOps.ArgMin(x), $"n={n}");
        }
        float[] ties = [1, 5, 2, 5, -3, 0, -3, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, -3];
        Assert.AreEqual(1, VectorOps.ArgMax(ties));
        Assert.AreEqual(4, VectorOps.ArgMin(ties));
        Assert.AreEqual(2, VectorOps.ArgMax([1f, 2f, float.NaN, 3f]));
        Assert.IsTrue(float.IsNaN(VectorOps.MinMax([1f, float.NaN]).Max));
        Assert.ThrowsExactly<ArgumentException>(() => VectorOps.ArgMax([]));

        var m = new float[] { 1, 3, 3, 0, /**/ -1, -1, -2, -2, /**/ 7, 0, 0, 7 };
        var arg = new int[3];
        VectorOps.RowArgMax(m, 3, 4, arg);
        CollectionAssert.AreEqual(new[] { 1, 0, 0 }, arg);
        VectorOps.RowArgMin(m, 3, 4, arg);
        CollectionAssert.AreEqual(new[] { 3, 2, 1 }, arg);
    }
}

[TestClass]
public class TopKTests
{
    [TestMethod]
    public void MatchesAFullSortOnRandomDataWithManyTies()
    {
        var rng = new Random(5);
        foreach (int n in new[] { 0, 1, 2, 10, 100, 1000 })
            foreach (int k in new[] { 0, 1, 3, 10, 64, 2000 })
                foreach (bool largest in new[] { true, false })
                {
                    // Values from a small set, so ties are common; a few NaNs.
                    var x = new float[n];
                    for (int i = 0; i < n; i++) x[i] = rng.Next(12) == 0 ? float.NaN : rng.Next(-5, 6) * 0.5f;
                    var want = VectorReference.TopIndices(x, k, largest);
                    int count = Math.Min(k, n);
                    var idx = new int[count]; var val = new float[count];
                    Assert.AreEqual(count, TopK.Select(x, k, idx, val, largest));
                    CollectionAssert.AreEqual(want, idx, $"n={n} k={k} largest={largest}");
                    for (int i = 0; i < count; i++) Assert.AreEqual(x[idx[i]], val[i]);
                    CollectionAssert.AreEqual(want, TopK.ArgsortTop(x, k, largest));
                }
    }

    [TestMethod]
    public void TiesGoToTheLowerIndexAndNaNComesLast()
    {
        float[] x = [2, float.NaN, 5, 5, 1, 5, 9];
        CollectionAssert.AreEqual(new[] { 6, 2, 3, 5 }, TopK.ArgsortTop(x, 4));
        CollectionAssert.AreEqual(new[] { 4, 0, 2 }, TopK.ArgsortTop(x, 3, largest: false));
        CollectionAssert.AreEqual(new[] { 6, 2, 3, 5, 0, 4, 1 }, TopK.ArgsortTop(x, 10));
    }

    [TestMethod]
    public void StreamingHeapOverBlocksEqualsOneShotSelection()
    {
        var x = GemmOracle.RandomMatrix(new Random(8), 1000);
        var heap = new TopKHeap(25);
        for (int start = 0; start < x.Length; start += 128)
            heap.OfferAll(x.AsSpan(start, Math.Min(128, x.Length - start)), start);
        var idx = new int[25]; var val = new float[25];
        Assert.AreEqual(25, heap.CopySorted(idx, val));
        CollectionAssert.AreEqual(VectorReference.TopIndices(x, 25, largest: true), idx);
    }

    [TestMethod]
    public void RejectsBadArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TopK.ArgsortTop([1f], -1));
        var e = Assert.ThrowsExactly<ArgumentException>(() => TopK.Select([1f, 2f, 3f], 2, new int[1], new float[2]));
        StringAssert.Contains(e.Message, "needs 2 slots");
    }
}

[TestClass]
public class SampleSumsTests
{
    [TestMethod]
    public void ColumnSumsAndSquaresMatchPlainDoubleLoops()
    {
        foreach (var (rows, cols) in new[] { (0, 5), (1, 1), (3, 7), (17, 8), (33, 19), (100, 64) })
        {
            var block = GemmOracle.RandomMatrix(new Random(rows * 31 + cols), rows * cols);
            var sums = new double[cols]; var squares = new double[cols];
            SampleSums.AddColumnMoments(block, rows, cols, sums, squares);
            var s = VectorReference.ColumnSums(block, rows, cols, squares: false);
            var q = VectorReference.ColumnSums(block, rows, cols, squares: true);
            for (int j = 0; j < cols; j++)
            {
                Assert.AreEqual(s[j], sums[j], 1e-12, $"{rows}×{cols} col {j}");
                Assert.AreEqual(q[j], squares[j], 1e-12, $"{rows}×{cols} col {j}");
            }
            var sums2 = new double[cols]; var squares2 = new double[cols];
            SampleSums.AddColumnSums(block, rows, cols, sums2);
            SampleSums.AddColumnSumsOfSquares(block, rows, cols, squares2);
            for (int j = 0; j < cols; j++)
            {
                Assert.AreEqual(s[j], sums2[j], 1e-12, $"{rows}×{cols} col {j} (separate sums)");
                Assert.AreEqual(q[j], squares2[j], 1e-12, $"{rows}×{cols} col {j} (separate squares)");
            }
            var rowSums = new double[rows];
            SampleSums.AddRowSums(block, rows, cols, rowSums);
            for (int i = 0; i < rows; i++)
            {
                double want = 0;
                for (int j = 0; j < cols; j++) want += block[i * cols + j];
                Assert.AreEqual(want, rowSums[i], 1e-12);
            }
        }
    }

    [TestMethod]
    public void DoubleAccumulationKeepsDigitsAFloatSumLoses()
    {
        // 10⁷ copies of 0.1f: the exact sum of the float values is 10⁷·0.100000001490116…;
        // a float32 running sum stalls far from it, the double accumulator does not.
        var x = new float[10_000_000];
        Array.Fill(x, 0.1f);
        double exact = 1e7 * (double)0.1f;
        Assert.AreEqual(exact, SampleSums.Sum(x), 1e-6 * exact * 1e-3);
        float naive = 0; foreach (var v in x) naive += v;
        Assert.IsTrue(Math.Abs(naive - exact) > 1e4, "the float32 sum should be visibly wrong (the point of this helper)");
        Assert.AreEqual(1e7 * (double)0.1f * 0.1f, SampleSums.SumOfSquares(x), 1e-6);
    }

    [TestMethod]
    public void StreamedBatchesAddUpAndMeansAreExact()
    {
        var block = GemmOracle.RandomMatrix(new Random(3), 40 * 9);
        var whole = new double[9]; var streamed = new double[9];
        SampleSums.AddColumnSums(block, 40, 9, whole);
        SampleSums.AddColumnSums(block.AsSpan(0, 13 * 9), 13, 9, streamed);
        SampleSums.AddColumnSums(block.AsSpan(13 * 9), 27, 9, streamed);
        for (int j = 0; j < 9; j++) Assert.AreEqual(whole[j], streamed[j], 1e-12);
        CollectionAssert.AreEqual(new double[] { 2, 3 }, SampleSums.ColumnMeans([1f, 2f, 3f, 4f], 2, 2));
        Assert.IsTrue(double.IsNaN(SampleSums.ColumnMeans([], 0, 2)[1]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => SampleSums.AddColumnSums(new float[6], 2, 3, new double[2]));
        StringAssert.Contains(e.Message, "sums has length 2, expected 3");
    }
}
