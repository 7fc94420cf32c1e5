using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed unsafe class ColumnGatherTests
{
    [TestMethod]
    public void VectorKernelEqualsThePlainLoopBitForBit()
    {
        // Each lane sums the entries in list order with a fused multiply–add, exactly as the scalar
        // reference does, so every width (eight vectors, two, one, scalar tail) must agree to the bit.
        var rng = new Random(5);
        foreach (int e in new[] { 768, 300, 129, 37, 5 })
        {
            int rows = 90;
            var unit = new float[rows * e];
            for (int i = 0; i < unit.Length; i++) unit[i] = (float)(rng.NextDouble() * 2 - 1);
            int count = 41;
            var rowsOf = new int[count];
            var xs = new float[count];
            for (int i = 0; i < count; i++) { rowsOf[i] = rng.Next(rows); xs[i] = (float)rng.NextDouble() * 3; }
            var expected = new double[e];
            for (int i = 0; i < e; i++) expected[i] = i * 0.25; // a nonzero start: the kernel adds
            var actual = (double[])expected.Clone();
            ColumnGather.AddReference(unit, e, rowsOf, xs, expected, 0);
            // Whole rows, then the same in slices of 128 and of 16 columns (the tiled caller's way).
            foreach (int slice in new[] { e, 128, 16 })
            {
                var sliced = new double[e];
                for (int i = 0; i < e; i++) sliced[i] = i * 0.25;
                fixed (float* u = unit, x = xs)
                fixed (int* r = rowsOf)
                fixed (double* v = sliced)
                    for (int j = 0; j < e; j += slice)
                        ColumnGather.Add(u + j, e, Math.Min(slice, e - j), r, x, count, v + j);
                CollectionAssert.AreEqual(expected, sliced, $"e = {e}, slices of {slice}");
            }
        }
    }
}
