using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ColumnSumsTests
{
    // 1,000 rows are four pieces (the last one short); 1,029 columns so the vector lanes and the scalar tail both run.
    private const int Rows = 1000, Cols = 1029;

    [TestMethod]
    public void PiecesByRowsMatchThePlainLoop()
    {
        var a = EvalFixtures.Random(Rows, Cols, 11, "a", -2, 3);
        var expected = Energy.PerConcept(a); // plain float64 loop, divided by N
        var sums = new double[Cols];
        ColumnSums.Add(a.Data, Rows, Cols, sums, 0, "a", threads: 2);
        for (int c = 0; c < Cols; c++)
            Assert.AreEqual(expected[c], sums[c] / Rows, 1e-12 * Math.Max(1, Math.Abs(expected[c])), $"column {c}");
    }

    [TestMethod]
    public void SumsAreBitIdenticalOnOneTwoAndThreeThreads()
    {
        var a = EvalFixtures.Random(Rows, Cols, 12, "a", -1e3, 1e3);
        double[] Run(int threads)
        {
            var sums = new double[Cols];
            sums[5] = 0.1; // running sums are added to, not overwritten
            ColumnSums.Add(a.Data, Rows, Cols, sums, 0, "a", threads);
            return sums;
        }
        var one = Run(1);
        CollectionAssert.AreEqual(one, Run(2), "2 threads");
        CollectionAssert.AreEqual(one, Run(3), "3 threads");
        Assert.AreNotEqual(0.1, one[5]);
    }

    [TestMethod]
    public void NonFiniteValueInALaterPieceIsNamed()
    {
        var a = EvalFixtures.Random(Rows, Cols, 13, "a");
        a.Data[777 * Cols + 1028] = float.PositiveInfinity;
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ColumnSums.Add(a.Data, Rows, Cols, new double[Cols], 4000, "codes.npy", 2));
        StringAssert.StartsWith(e.Message, "codes.npy: value ");
        StringAssert.Contains(e.Message, " at row 4777, column 1028 is not finite");
    }
}
