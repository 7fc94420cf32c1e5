using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>
/// The tiled sparse products against their plain float64 loops, with every kernel set (512-bit, 256-bit, span loops), on
/// widths with full 64- and 128-column tiles and ragged tails, with and without a row map.
/// </summary>
[TestClass]
public sealed class TiledSparseProductsTests
{
    private static readonly TileIsa[] Kernels = [TileIsa.Vector512, TileIsa.Vector256, TileIsa.Portable];

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
    [DataRow(64)] [DataRow(128)] [DataRow(150)] [DataRow(260)] [DataRow(7)]
    public void TilesMatchThePlainLoops(int d)
    {
        const int rows = 45, n = 70, k = 9;
        var (z, w, a) = Problem(rows, n, d, k, d);
        foreach (var isa in Kernels)
        foreach (int threads in new[] { 1, 3 })
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
            string where = $"d={d} {isa} threads={threads}";

            // Decoding onto a start matrix: S + Z·W.
            var decoded = new float[rows * d];
            var expected = new float[rows * d];
            TiledSparseProducts.Decode(z, w, null, n, d, a, decoded, parallel, isa);
            TiledSparseProducts.DecodeReference(z, w, d, expected);
            for (int q = 0; q < expected.Length; q++) Assert.AreEqual(expected[q] + a[q], decoded[q], 1e-5, $"decode {where} [{q}]");
            TiledSparseProducts.Decode(z, w, null, n, d, null, decoded, parallel, isa);
            for (int q = 0; q < expected.Length; q++) Assert.AreEqual(expected[q], decoded[q], 1e-5, $"decode without start {where} [{q}]");

            // Column products add onto what is there, with per-entry weights (given in column order), their sums, and the dots.
            var columns = new CodeColumns(z, n);
            var weight = Enumerable.Range(0, z.Count).Select(e => (float)Math.Sin(e)).ToArray();
            var start = Enumerable.Range(0, n * d).Select(q => (float)(q % 5)).ToArray();
            var got = (float[])start.Clone();
            var want = (float[])start.Clone();
            var sums = new double[n];
            var wantSums = new double[n];
            var dots = Enumerable.Repeat(99f, z.Count).ToArray(); // overwritten
            TiledSparseProducts.ColumnAxpy(columns, columns.InColumnOrder(weight, 2f, new float[z.Count], parallel), a, rows, d, got, null, sums,
                parallel, w, dots, isa);
            TiledSparseProducts.ColumnAxpyReference(z, weight.Select(v => 2f * v).ToArray(), a, d, want, wantSums);
            for (int q = 0; q < want.Length; q++) Assert.AreEqual(want[q], got[q], 1e-4, $"column axpy {where} [{q}]");
            for (int i = 0; i < n; i++) Assert.AreEqual(wantSums[i], sums[i], 1e-9);
            var wantDots = new float[z.Count];
            TiledSparseProducts.SampledDotsReference(z, a, w, d, wantDots);
            for (int c = 0; c < z.Count; c++) Assert.AreEqual(wantDots[columns.Entry[c]], dots[c], 1e-4, $"dots {where} [{c}]");
        }
    }

    [TestMethod]
    public void RowMapsReadAndWriteTheMappedRows()
    {
        // Latent i of the codes is row ids[i] of a larger matrix: decoding reads those rows, the column products add into them
        // and take their dots with them, and the other rows stay as they were.
        const int rows = 30, n = 20, d = 130, k = 4, wide = 50;
        var (z, compact, a) = Problem(rows, n, d, k, 5);
        var ids = Enumerable.Range(0, n).Select(i => 2 * i + 7).ToArray();
        var big = Enumerable.Range(0, wide * d).Select(q => (float)Math.Cos(q)).ToArray();
        for (int i = 0; i < n; i++) compact.AsSpan(i * d, d).CopyTo(big.AsSpan(ids[i] * d, d));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        foreach (var isa in Kernels)
        {
            var decoded = new float[rows * d];
            var expected = new float[rows * d];
            TiledSparseProducts.Decode(z, big, ids, n, d, null, decoded, parallel, isa);
            TiledSparseProducts.DecodeReference(z, compact, d, expected);
            for (int q = 0; q < expected.Length; q++) Assert.AreEqual(expected[q], decoded[q], 1e-5, $"decode {isa} [{q}]");

            var columns = new CodeColumns(z, n);
            var output = (float[])big.Clone();
            var dots = new float[z.Count];
            TiledSparseProducts.ColumnAxpy(columns, columns.InColumnOrder(z.Value, 1f, new float[z.Count], parallel), a, rows, d, output, ids, null,
                parallel, big, dots, isa);
            var want = (float[])compact.Clone();
            TiledSparseProducts.ColumnAxpyReference(z, z.Value, a, d, want, null);
            var wantDots = new float[z.Count];
            TiledSparseProducts.SampledDotsReference(z, a, compact, d, wantDots);
            var mapped = new HashSet<int>(ids);
            for (int r = 0; r < wide; r++)
                for (int j = 0; j < d; j++)
                {
                    float expect = mapped.Contains(r) ? want[Array.IndexOf(ids, r) * d + j] : big[r * d + j];
                    Assert.AreEqual(expect, output[r * d + j], 1e-4, $"column axpy {isa} row {r} [{j}]");
                }
            for (int c = 0; c < z.Count; c++) Assert.AreEqual(wantDots[columns.Entry[c]], dots[c], 1e-4, $"dots {isa} [{c}]");
        }
    }

    [TestMethod]
    public void ColumnProductsSpanSeveralRowBlocks()
    {
        // 2.4 row blocks of A, with a ragged last tile: columns gather from each block in turn (about 600 entries per latent,
        // so the rows are split into 3 blocks).
        int rows = TiledSparseProducts.RowBlock * 2 + 400, n = 40, d = 140, k = 10;
        var (z, w, a) = Problem(rows, n, d, k, 8);
        Assert.AreEqual(3, TiledSparseProducts.RowBlocks(new CodeColumns(z, n), rows));
        var weight = Enumerable.Range(0, z.Count).Select(e => (float)Math.Cos(e)).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var want = new float[n * d];
        var wantSums = new double[n];
        TiledSparseProducts.ColumnAxpyReference(z, weight, a, d, want, wantSums);
        var wantDots = new float[z.Count];
        TiledSparseProducts.SampledDotsReference(z, a, w, d, wantDots);
        foreach (var isa in Kernels)
        {
            var columns = new CodeColumns(z, n);
            var got = new float[n * d];
            var sums = new double[n];
            var dots = new float[z.Count];
            TiledSparseProducts.ColumnAxpy(columns, columns.InColumnOrder(weight, 1f, new float[z.Count], parallel), a, rows, d, got, null, sums,
                parallel, w, dots, isa);
            for (int q = 0; q < want.Length; q++) Assert.AreEqual(want[q], got[q], 1e-3, $"{isa} [{q}]");
            for (int i = 0; i < n; i++) Assert.AreEqual(wantSums[i], sums[i], 1e-9);
            for (int c = 0; c < z.Count; c++) Assert.AreEqual(wantDots[columns.Entry[c]], dots[c], 1e-4, $"dots {isa} [{c}]");
        }
    }

    [TestMethod]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        const int rows = 200, n = 90, d = 256, k = 12;
        var (z, w, a) = Problem(rows, n, d, k, 3);
        float[] Run(int threads, TileIsa isa)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var o = new float[rows * d];
            TiledSparseProducts.Decode(z, w, null, n, d, a, o, parallel, isa);
            var g = new float[n * d];
            var columns = new CodeColumns(z, n);
            var dots = new float[z.Count];
            TiledSparseProducts.ColumnAxpy(columns, columns.InColumnOrder(z.Value, 1f, new float[z.Count], parallel), a, rows, d, g, null, null,
                parallel, w, dots, isa);
            return o.Concat(g).Concat(dots).ToArray();
        }
        foreach (var isa in Kernels)
        {
            CollectionAssert.AreEqual(Run(1, isa), Run(2, isa), $"{isa}");
            CollectionAssert.AreEqual(Run(1, isa), Run(5, isa), $"{isa}");
        }
    }
}
