using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

[TestClass]
public sealed class ReconstructionAccumulatorTests
{
    [TestMethod]
    public void BlockwiseMergeEqualsThePlainTwoPassFormulas()
    {
        int n = 57, d = 5;
        var rng = new Random(4);
        // A large common offset makes a one-pass Σx² − (Σx)²/n lose digits; the merged form must not.
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(1000 + rng.NextDouble())).ToArray();
        var y = x.Select(v => v + (float)(0.01 * (rng.NextDouble() - 0.5))).ToArray();

        var mean = new double[d];
        for (int r = 0; r < n; r++) for (int i = 0; i < d; i++) mean[i] += x[r * d + i] / (double)n;
        double sse = 0, sst = 0, cos = 0;
        for (int r = 0; r < n; r++)
        {
            double dot = 0, nx = 0, ny = 0;
            for (int i = 0; i < d; i++)
            {
                double a = x[r * d + i], b = y[r * d + i];
                sse += (a - b) * (a - b);
                sst += (a - mean[i]) * (a - mean[i]);
                dot += a * b; nx += a * a; ny += b * b;
            }
            cos += dot / Math.Sqrt(nx * ny);
        }

        var acc = new ReconstructionAccumulator(d);
        foreach (var (start, rows) in new[] { (0, 1), (1, 20), (21, 36) })
            acc.Add(x.AsSpan(start * d, rows * d), y.AsSpan(start * d, rows * d));
        Assert.AreEqual(n, acc.Rows);
        Assert.AreEqual(sse / (n * d), acc.Mse, 1e-15);
        Assert.AreEqual(1 - sse / sst, acc.R2, 1e-9);
        Assert.AreEqual(cos / n, acc.MeanCosine, 1e-12);
        Assert.IsTrue(double.IsNaN(acc.L0) && double.IsNaN(acc.DeadFraction), "no codes were added");

        acc.AddCodes(3, 6, [0, 2, 2], 4);
        Assert.AreEqual(2.0, acc.L0);
        Assert.AreEqual(0.5, acc.DeadFraction);
    }

    [TestMethod]
    public void ConstantInputsHaveNoExplainedVariance()
    {
        var acc = new ReconstructionAccumulator(2);
        acc.Add([1f, 1f, 1f, 1f], [1f, 1f, 1f, 1f]);
        Assert.IsTrue(double.IsNaN(acc.R2));
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => acc.Add([1f, 1f, 1f], [1f, 1f, 1f])).Message, "rows of width 2");
    }
}
