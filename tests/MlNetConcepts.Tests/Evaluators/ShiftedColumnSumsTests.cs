using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ShiftedColumnSumsTests
{
    // Two dense blocks of 600 and 400 rows: three and two pieces of rows, the last ones short; 37 columns so
    // the vector lanes and the scalar tail both run.
    private const int Cols = 37, Width = 5;
    private static readonly int[] Blocks = [600, 400];

    // Raw-neuron-like columns (negative values, a minimum reached several times in later blocks), a constant
    // column and a ReLU-like column that is zero on most rows.
    private static (float[] A, float[] P, int Rows) Data()
    {
        int rows = Blocks.Sum();
        var rng = new Random(5);
        var a = new float[rows * Cols];
        var p = new float[rows * Width];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Cols; c++) a[r * Cols + c] = (float)Math.Round(rng.NextDouble() * 8 - 5 - c, 1);
            a[r * Cols + 3] = 2.5f;
            a[r * Cols + 4] = rng.NextDouble() < 0.9 ? 0 : (float)rng.NextDouble();
            for (int j = 0; j < Width; j++) p[r * Width + j] = (float)rng.NextDouble();
        }
        return (a, p, rows);
    }

    private static ShiftedColumnSums Run(float[] a, float[] p, int threads)
    {
        var sums = new ShiftedColumnSums(Cols, Width, minMax: true, threads);
        int start = 0;
        foreach (int n in Blocks)
        {
            sums.AddDense(a.AsSpan(start * Cols, n * Cols), n, start, "a", p.AsSpan(start * Width, n * Width));
            start += n;
        }
        return sums;
    }

    // Forced density 0: every block takes the SGEMM; 2: every block builds column lists (by row pieces) and gathers.
    private static ShiftedColumnSums Forced(double? density, Func<ShiftedColumnSums> run)
    {
        try
        {
            PairMeanAccumulator.SparseDensityOverride = density;
            return run();
        }
        finally { PairMeanAccumulator.SparseDensityOverride = null; }
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(2.0)]
    public void DenseStatisticsMatchPlainLoops(double density)
    {
        var (a, p, rows) = Data();
        var sums = Forced(density, () => Run(a, p, 2));
        for (int c = 0; c < Cols; c++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int r = 0; r < rows; r++) { min = Math.Min(min, a[r * Cols + c]); max = Math.Max(max, a[r * Cols + c]); }
            double s1 = 0, s2 = 0;
            long support = 0;
            var cross = new double[Width];
            for (int r = 0; r < rows; r++)
            {
                double x = a[r * Cols + c] - min;
                s1 += x;
                s2 += x * x;
                if (x > 0) support++;
                for (int j = 0; j < Width; j++) cross[j] += x * p[r * Width + j];
            }
            Assert.AreEqual(max - min, sums.Range(c), 0, $"range of column {c}");
            Assert.AreEqual(max == min, sums.IsConstant(c), $"constant column {c}");
            Assert.AreEqual(support, sums.Support(c), $"support of column {c}");
            // x = a − offset is rounded to float32 before it is summed (as the SGEMM and column lists take it).
            Assert.AreEqual(s1, sums.ShiftedS1(c), 1e-6 * Math.Max(1, s1), $"S1 of column {c}");
            Assert.AreEqual(s2, sums.ShiftedS2(c), 1e-6 * Math.Max(1, s2), $"S2 of column {c}");
            double delta = sums.Delta(c);
            for (int j = 0; j < Width; j++)
                Assert.AreEqual(cross[j], sums.RawCross(c)[j] - delta * sums.ProfileSum[j], 1e-4 * Math.Max(1, Math.Abs(cross[j])), $"cross sum {c},{j}");
        }
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(2.0)]
    public void StatisticsAreBitIdenticalOnOneTwoAndThreeThreads(double density)
    {
        var (a, p, _) = Data();
        var one = Forced(density, () => Run(a, p, 1));
        foreach (int threads in new[] { 2, 3 })
        {
            var other = Forced(density, () => Run(a, p, threads));
            for (int c = 0; c < Cols; c++)
            {
                Assert.AreEqual(one.Range(c), other.Range(c), 0, $"range {c}, {threads} threads");
                Assert.AreEqual(one.Delta(c), other.Delta(c), 0, $"delta {c}, {threads} threads");
                Assert.AreEqual(one.Support(c), other.Support(c), $"support {c}, {threads} threads");
                Assert.AreEqual(one.ShiftedS1(c), other.ShiftedS1(c), 0, $"S1 {c}, {threads} threads");
                Assert.AreEqual(one.ShiftedS2(c), other.ShiftedS2(c), 0, $"S2 {c}, {threads} threads");
                if (density > 1) CollectionAssert.AreEqual(one.RawCross(c).ToArray(), other.RawCross(c).ToArray(), $"cross sums {c}, {threads} threads");
            }
        }
    }

    [TestMethod]
    public void NonFiniteValueInALaterPieceIsNamed()
    {
        var (a, p, _) = Data();
        a[(600 + 300) * Cols + 36] = float.NaN;
        var e = Assert.ThrowsExactly<ConceptDataException>(() => Run(a, p, 2));
        StringAssert.Contains(e.Message, "a: value NaN at row 900, column 36 is not finite");
    }
}
