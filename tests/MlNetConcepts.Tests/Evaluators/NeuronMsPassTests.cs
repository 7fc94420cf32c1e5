using MlNetConcepts.Views;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class NeuronMsPassTests
{
    private const double Tol = 1e-5;

    [TestMethod]
    public void ProvisionalOffsetsGiveTheBruteForceScoresWhenLaterBlocksGoLower()
    {
        // Raw neurons far from 0 (offset 100, range about 2) whose minimum keeps dropping after the first
        // block, so every column's final shift δ is nonzero; one column is constant (dead) and one
        // reaches its minimum on exactly one row after the first block.
        var rng = new Random(31);
        int n = 120, k = 9;
        var data = new float[n * k];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < k; c++)
                data[r * k + c] = (float)(100 + rng.NextDouble() - 0.01 * r);
        for (int r = 0; r < n; r++) data[r * k + 4] = 7f;
        var a = DenseMatrix.Create(data, n, k, "raw");
        var e = EvalFixtures.Random(n, 10, 32, "e");
        var brute = MonoSemanticityReference.Neurons(a, e);
        var expectedSupport = Support(data, n, k);
        foreach (int block in new[] { 7, 50, n })
        {
            var pass = new NeuronMsPass(k, e.Cols);
            for (int first = 0; first < n; first += block)
            {
                int rows = Math.Min(block, n - first);
                pass.AddDense(data.AsSpan(first * k, rows * k), e.Data.AsSpan(first * e.Cols, rows * e.Cols), rows, first, "raw", "e");
            }
            var (ms, support) = pass.Finish();
            EvalFixtures.AssertClose(brute, ms, Tol, $"blocks of {block}");
            Assert.IsTrue(double.IsNaN(ms[4]), "constant neuron is dead");
            CollectionAssert.AreEqual(expectedSupport, support, $"support, blocks of {block}");
        }
    }

    [TestMethod]
    public void SparseRowsGiveTheSameScoresAsTheirDenseForm()
    {
        // SAE-like codes (about 8% nonzero), one column
        // that fires on every row of the first block (its minimum comes later, from an implicit zero),
        // and one that fires once (dead: support 1).
        var rng = new Random(41);
        int n = 200, k = 12;
        var data = new float[n * k];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() < 0.08 ? (float)(rng.NextDouble() * 4) : 0f;
        for (int r = 0; r < 30; r++) data[r * k + 3] = 1 + r;
        for (int r = 0; r < n; r++) data[r * k + 7] = 0;
        data[55 * k + 7] = 2;
        var a = DenseMatrix.Create(data, n, k, "codes");
        var e = EvalFixtures.Random(n, 16, 42, "e");
        var brute = MonoSemanticityReference.Neurons(a, e);
        var sparse = new NeuronMsPass(k, e.Cols);
        for (int first = 0; first < n; first += 30)
        {
            int rows = Math.Min(30, n - first);
            var batch = SparseBatch.FromDense(data.AsSpan(first * k, rows * k), rows, k);
            sparse.AddSparse(batch, e.Data.AsSpan(first * e.Cols, rows * e.Cols), first, "codes", "e");
        }
        var (ms, support) = sparse.Finish();
        EvalFixtures.AssertClose(brute, ms, Tol, "sparse rows");
        Assert.IsTrue(double.IsNaN(ms[7]), "a neuron firing once is dead");
        CollectionAssert.AreEqual(Support(data, n, k), support);
    }

    [TestMethod]
    public void NonFiniteActivationIsNamedByRowAndSlot()
    {
        var data = new float[] { 1, 2, 3, 4, 5, float.NaN };
        var pass = new NeuronMsPass(3, 2);
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => pass.AddDense(data, new float[] { 1, 0, 0, 1 }, 2, 10, "codes.npy", "emb.npy"));
        StringAssert.Contains(ex.Message, "codes.npy: value NaN at row 11, column 2 is not finite");
    }

    private static int[] Support(float[] data, int n, int k)
    {
        var support = new int[k];
        for (int c = 0; c < k; c++)
        {
            float min = float.PositiveInfinity;
            for (int r = 0; r < n; r++) min = Math.Min(min, data[r * k + c]);
            for (int r = 0; r < n; r++) if (data[r * k + c] > min) support[c]++;
        }
        return support;
    }
}
