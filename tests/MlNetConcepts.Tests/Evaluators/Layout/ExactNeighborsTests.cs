using MlNetConcepts.Evaluators.Layout;

namespace MlNetConcepts.Tests.Evaluators.Layout;

[TestClass]
public sealed class ExactNeighborsTests
{
    [TestMethod]
    [DataRow(LayoutMetric.Euclidean)]
    [DataRow(LayoutMetric.Cosine)]
    public void GemmNeighboursEqualTheBruteForceReference(LayoutMetric metric)
    {
        int n = 257, d = 24, k = 12;
        var (x, _) = LayoutFixtures.Groups(5, 52, d, 2, seed: 11);
        x = x[..(n * d)];
        var reference = NeighborsReference.Compute(x, n, d, k, metric);
        // Blocks of 64 rows (and a last block of 1) cover the seams; the default is one block here.
        foreach (int block in new[] { 64, n })
        {
            var fast = ExactNeighbors.Compute(x, n, d, k, metric, block);
            int differing = 0;
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(i, fast.Indices[i * k], $"row {i} is its own first neighbour");
                for (int r = 0; r < k; r++)
                {
                    Assert.AreEqual(reference.Distances[i * k + r], fast.Distances[i * k + r], 2e-4, $"row {i}, rank {r}");
                    if (reference.Indices[i * k + r] == fast.Indices[i * k + r]) continue;
                    // float32 products may swap two neighbours whose distances tie to rounding, nothing else.
                    double gap = Math.Min(
                        r > 0 ? reference.Distances[i * k + r] - reference.Distances[i * k + r - 1] : double.MaxValue,
                        r + 1 < k ? reference.Distances[i * k + r + 1] - reference.Distances[i * k + r] : double.MaxValue);
                    Assert.IsLessThan(2e-4, gap, $"row {i}, rank {r}: neighbour {fast.Indices[i * k + r]} instead of {reference.Indices[i * k + r]}");
                    differing++;
                }
            }
            Assert.IsLessThan(10, differing, "only a few near ties may differ");
        }
    }

    [TestMethod]
    public void RejectsNonFiniteInputAndBadK()
    {
        var x = new float[] { 0, 1, float.NaN, 2 };
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => ExactNeighbors.Compute(x, 2, 2, 1, LayoutMetric.Euclidean));
        StringAssert.Contains(ex.Message, "row 1, column 0");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => ExactNeighbors.Compute(new float[4], 2, 2, 3, LayoutMetric.Euclidean));
        StringAssert.Contains(ex.Message, "k must be between 1 and the number of rows (2)");
    }
}
