using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>The tiled sparse products against their plain float64 loops, on widths with full tiles and a ragged tail.</summary>
[TestClass]
public sealed class TiledSparseProductsTests
{
    private static (SparseCodes Z, float[] W, float[] A) Problem(int rows, int n, int d, int k, int seed)
    {
        var rng = new Random(seed);
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var z = new SparseCodes(rows, rows * k);
        TopSelection.TopKPerRow(pre, rows, n, k, z, new ParallelOptions());
        var w = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var a = Enumerable.Range(0, rows * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        return (z, w, a);
    }

    [TestMethod]
    [DataRow(64)] [DataRow(150)] [DataRow(7)]
    public void TilesMatchThePlainLoops(int d)
    {
        const int rows = 45, n = 70, k = 9;
        var (z, w, a) = Problem(rows, n, d, k, d);
        foreach (int threads in new[] { 1, 3 })
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };

            var decoded = new float[rows * d];
            var expected = new float[rows * d];
            TiledSparseProducts.Decode(z, w, n, d, decoded, parallel);
            TiledSparseProducts.DecodeReference(z, w, d, expected);
            for (int q = 0; q < expected.Length; q++) Assert.AreEqual(expected[q], decoded[q], 1e-5, $"decode d={d} [{q}]");

            var dots = new float[z.Count];
            var expectedDots = new float[z.Count];
            TiledSparseProducts.SampledDots(z, a, w, n, d, dots, parallel);
            TiledSparseProducts.SampledDotsReference(z, a, w, d, expectedDots);
            for (int e = 0; e < dots.Length; e++) Assert.AreEqual(expectedDots[e], dots[e], 1e-4, $"dots d={d} [{e}]");

            // Column products add onto what is there, with the per-entry weights and their sums.
            var weight = Enumerable.Range(0, z.Count).Select(e => (float)Math.Sin(e)).ToArray();
            var start = Enumerable.Range(0, n * d).Select(q => (float)(q % 5)).ToArray();
            var got = (float[])start.Clone();
            var want = (float[])start.Clone();
            var sums = new double[n];
            var wantSums = new double[n];
            TiledSparseProducts.ColumnAxpy(new CodeColumns(z, n), weight, a, rows, d, got, sums, parallel);
            TiledSparseProducts.ColumnAxpyReference(z, weight, a, d, want, wantSums);
            for (int q = 0; q < want.Length; q++) Assert.AreEqual(want[q], got[q], 1e-4, $"column axpy d={d} [{q}]");
            for (int i = 0; i < n; i++) Assert.AreEqual(wantSums[i], sums[i], 1e-9);
        }
    }

    [TestMethod]
    public void ColumnProductsSpanSeveralRowBlocks()
    {
        // 2.4 row blocks of A, with a ragged last tile: columns gather from each block in turn.
        int rows = TiledSparseProducts.RowBlock * 2 + 400, n = 40, d = 70, k = 3;
        var (z, _, a) = Problem(rows, n, d, k, 8);
        var weight = Enumerable.Range(0, z.Count).Select(e => (float)Math.Cos(e)).ToArray();
        var got = new float[n * d];
        var want = new float[n * d];
        var sums = new double[n];
        var wantSums = new double[n];
        TiledSparseProducts.ColumnAxpy(new CodeColumns(z, n), weight, a, rows, d, got, sums, new ParallelOptions { MaxDegreeOfParallelism = 2 });
        TiledSparseProducts.ColumnAxpyReference(z, weight, a, d, want, wantSums);
        for (int q = 0; q < want.Length; q++) Assert.AreEqual(want[q], got[q], 1e-3, $"[{q}]");
        for (int i = 0; i < n; i++) Assert.AreEqual(wantSums[i], sums[i], 1e-9);
    }

    [TestMethod]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        const int rows = 200, n = 90, d = 128, k = 12;
        var (z, w, a) = Problem(rows, n, d, k, 3);
        float[] Run(int threads)
        {
            var o = new float[rows * d];
            TiledSparseProducts.Decode(z, w, n, d, o, new ParallelOptions { MaxDegreeOfParallelism = threads });
            var g = new float[n * d];
            TiledSparseProducts.ColumnAxpy(new CodeColumns(z, n), z.Value, a, rows, d, g, null, new ParallelOptions { MaxDegreeOfParallelism = threads });
            return o.Concat(g).ToArray();
        }
        CollectionAssert.AreEqual(Run(1), Run(2));
        CollectionAssert.AreEqual(Run(1), Run(5));
    }
}
