using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class LinearAssignmentTests
{
    [TestMethod]
    [DataRow("sq")]
    [DataRow("wide")]
    [DataRow("tall")]
    [DataRow("ties")]
    public void TotalCostMatchesScipy(string tag)
    {
        var a = EvalFixtures.Array("lap_" + tag);
        int rows = (int)a.Shape[0], cols = (int)a.Shape[1];
        var cost = a.ToFloat64();
        var assignment = LinearAssignment.Solve(cost, rows, cols);
        AssertValid(assignment, rows, cols);
        Assert.AreEqual(EvalFixtures.Doubles($"lap_{tag}_total")[0], LinearAssignment.Total(cost, cols, assignment), 1e-9);
    }

    [TestMethod]
    public void MatchesExhaustiveSearchOnSmallRandomMatrices()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 300; trial++)
        {
            int rows = rng.Next(1, 7), cols = trial % 2 == 0 ? rows : rng.Next(1, 7); // half square (Jonker–Volgenant start)
            var cost = new double[rows * cols];
            for (int i = 0; i < cost.Length; i++) cost[i] = trial % 3 == 0 ? rng.Next(0, 3) : rng.NextDouble() * 10 - 5;
            var assignment = LinearAssignment.Solve(cost, rows, cols);
            AssertValid(assignment, rows, cols);
            Assert.AreEqual(BruteForce(cost, rows, cols), LinearAssignment.Total(cost, cols, assignment), 1e-12, $"trial {trial} ({rows}x{cols})");
        }
    }

    [TestMethod]
    public void LargerSquareProblemsMatchTheUninitialisedSearch()
    {
        // The square path starts from the Jonker–Volgenant reduction; rectangular problems use
        // the plain search. Padding a square matrix with one huge column keeps the optimum but
        // takes the plain path, so the two must agree.
        var rng = new Random(12);
        foreach (int n in new[] { 7, 31, 120 })
        {
            var cost = new double[n * n];
            for (int i = 0; i < cost.Length; i++) cost[i] = n == 31 ? rng.Next(0, 5) : rng.NextDouble();
            var padded = new double[n * (n + 1)];
            for (int i = 0; i < n; i++)
            {
                Array.Copy(cost, i * n, padded, i * (n + 1), n);
                padded[i * (n + 1) + n] = 1e6;
            }
            var square = LinearAssignment.Solve(cost, n, n);
            var plain = LinearAssignment.Solve(padded, n, n + 1);
            AssertValid(square, n, n);
            Assert.IsFalse(plain.Contains(n));
            Assert.AreEqual(LinearAssignment.Total(padded, n + 1, plain), LinearAssignment.Total(cost, n, square), 1e-9, $"n={n}");
        }
    }

    [TestMethod]
    public void NonFiniteCostIsRejected()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => LinearAssignment.Solve([1, double.NaN, 0, 2], 2, 2));
        StringAssert.Contains(ex.Message, "non-finite");
    }

    private static void AssertValid(int[] assignment, int rows, int cols)
    {
        Assert.AreEqual(rows, assignment.Length);
        var used = assignment.Where(c => c >= 0).ToArray();
        Assert.AreEqual(Math.Min(rows, cols), used.Length, "every row or every column is matched");
        Assert.AreEqual(used.Length, used.Distinct().Count(), "columns used once");
    }

    // Minimum over all injective maps of the smaller side into the larger.
    private static double BruteForce(double[] cost, int rows, int cols)
    {
        double best = double.PositiveInfinity;
        void Recurse(int i, bool[] usedCols, int matched, double total)
        {
            if (i == rows)
            {
                if (matched == Math.Min(rows, cols)) best = Math.Min(best, total);
                return;
            }
            if (rows - i > cols - matched && rows > cols) Recurse(i + 1, usedCols, matched, total); // leave row i out
            for (int j = 0; j < cols; j++)
            {
                if (usedCols[j]) continue;
                usedCols[j] = true;
                Recurse(i + 1, usedCols, matched + 1, total + cost[i * cols + j]);
                usedCols[j] = false;
            }
        }
        Recurse(0, new bool[cols], 0, 0);
        return best;
    }
}
