using MlNetConcepts.Evaluators;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class SparseColumnSumsTests
{
    // 2,500 rows are three pieces (the last one short).
    private const int Rows = 2500, Cols = 77;

    private static (float[] Dense, SparseBatch Block) RandomBlock(int seed)
    {
        var rng = new Random(seed);
        var dense = new float[Rows * Cols];
        for (int i = 0; i < dense.Length; i++) if (rng.NextDouble() < 0.1) dense[i] = (float)(rng.NextDouble() * 1e3 - 200);
        return (dense, SparseBatch.FromDense(dense, Rows, Cols));
    }

    [TestMethod]
    public void PiecesMatchTheDenseFloat64LoopAndThePlainForm()
    {
        var (dense, block) = RandomBlock(3);
        var brute = new double[Cols];
        for (int r = 0; r < Rows; r++) for (int c = 0; c < Cols; c++) brute[c] += dense[r * Cols + c];
        var plain = new double[Cols];
        SparseColumnSums.AddReference(block, plain, 0, "z");
        var fast = new double[Cols];
        SparseColumnSums.Add(block, fast, 0, "z", threads: 2);
        for (int c = 0; c < Cols; c++)
        {
            double tol = 1e-12 * Math.Max(1, Math.Abs(brute[c])) * Rows;
            Assert.AreEqual(brute[c], plain[c], tol, $"plain, column {c}");
            Assert.AreEqual(brute[c], fast[c], tol, $"pieces, column {c}");
        }
    }

    [TestMethod]
    public void SumsAreBitIdenticalOnOneTwoAndThreeThreads()
    {
        var (_, block) = RandomBlock(4);
        double[] Run(int threads)
        {
            var sums = new double[Cols];
            sums[3] = 0.1; // running sums are added to, not overwritten
            SparseColumnSums.Add(block, sums, 0, "z", threads);
            return sums;
        }
        var one = Run(1);
        CollectionAssert.AreEqual(one, Run(2), "2 threads");
        CollectionAssert.AreEqual(one, Run(3), "3 threads");
    }

    [TestMethod]
    public void NonFiniteValueInALaterPieceIsNamed()
    {
        var (dense, _) = RandomBlock(5);
        dense[2100 * Cols + 40] = float.NaN;
        var block = SparseBatch.FromDense(dense, Rows, Cols);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SparseColumnSums.Add(block, new double[Cols], 10_000, "codes.npz", 2));
        Assert.AreEqual("codes.npz: value NaN at row 12100, column 40 is not finite.", e.Message);
    }
}
