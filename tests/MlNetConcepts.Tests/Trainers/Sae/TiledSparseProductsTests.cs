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
    [DataRow(64)] [DataRow(192)] [DataRow(150)] [DataRow(7)]
    public void DecodedResidualItsDotsAndItsSquaresMatchThePlainLoops(int d)
    {
        // E_b = bias − x_b + Σ_e z_e·W_i(e), g_e = E_b·W_i(e) and Σ_b‖E_b‖², against float64 loops; the same bits on any thread count.
        const int rows = 41, n = 70, k = 9;
        var (z, w, x) = Problem(rows, n, d, k, 100 + d);
        var bias = Enumerable.Range(0, d).Select(j => (float)Math.Cos(j)).ToArray();
        var decoded = new double[rows * d];
        var wantResidual = new float[rows * d];
        double wantSquares = 0;
        for (int b = 0; b < rows; b++)
            for (int j = 0; j < d; j++)
            {
                double v = (double)bias[j] - x[b * d + j];
                for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++) v += (double)z.Value[e] * w[z.Index[e] * d + j];
                wantResidual[b * d + j] = (float)v;
                wantSquares += v * v;
            }
        var wantDots = new float[z.Count];
        TiledSparseProducts.SampledDotsReference(z, wantResidual, w, d, wantDots);
        foreach (var isa in Kernels)
        {
            float[]? firstResidual = null, firstDots = null;
            double firstSquares = 0;
            foreach (int threads in new[] { 1, 3 })
            {
                string where = $"d={d} {isa} threads={threads}";
                var residual = Enumerable.Repeat(7f, rows * d).ToArray(); // overwritten
                var dots = Enumerable.Repeat(99f, z.Count).ToArray();     // overwritten
                double squares = TiledSparseProducts.DecodeResidual(z, w, n, d, bias, x, residual, dots,
                    new ParallelOptions { MaxDegreeOfParallelism = threads }, isa, threads == 3 ? new ReusedBuffer(pinned: true) : null);
                for (int q = 0; q < residual.Length; q++) Assert.AreEqual(wantResidual[q], residual[q], 1e-5, $"residual {where} [{q}]");
                for (int e = 0; e < z.Count; e++) Assert.AreEqual(wantDots[e], dots[e], 1e-4, $"dots {where} [{e}]");
                Assert.AreEqual(wantSquares, squares, 1e-6 * wantSquares, where);
                if (firstResidual is null) { firstResidual = residual; firstDots = dots; firstSquares = squares; continue; }
                CollectionAssert.AreEqual(firstResidual, residual, where);
                CollectionAssert.AreEqual(firstDots, dots, where);
                Assert.AreEqual(firstSquares, squares, 0, where);
            }
        }
    }

    [TestMethod]
    public void AReusedPackBufferGivesTheFreshArraysResults()
    {
        // One buffer lent to a decode, then to column products over 3 row blocks (the buffer grows, and each block is repacked into it),
        // then to a decode through a row map (into the larger array): every result is the one computed with fresh arrays.
        int rows = TiledSparseProducts.RowBlock * 2 + 400, n = 40, d = 140, k = 10;
        var (z, w, a) = Problem(rows, n, d, k, 11);
        Assert.AreEqual(3, TiledSparseProducts.RowBlocks(new CodeColumns(z, n), rows));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var buffer = new ReusedBuffer(pinned: true);
        foreach (var isa in Kernels)
        {
            var fresh = new float[rows * d];
            var lent = new float[rows * d];
            TiledSparseProducts.Decode(z, w, null, n, d, a, fresh, parallel, isa);
            TiledSparseProducts.Decode(z, w, null, n, d, a, lent, parallel, isa, buffer);
            CollectionAssert.AreEqual(fresh, lent, $"decode {isa}");

            var columns = new CodeColumns(z, n);
            var weight = columns.InColumnOrder(z.Value, 1f, new float[z.Count], parallel);
            var gFresh = new float[n * d];
            var gLent = new float[n * d];
            var dFresh = new float[z.Count];
            var dLent = new float[z.Count];
            TiledSparseProducts.ColumnAxpy(columns, weight, a, rows, d, gFresh, null, null, parallel, w, dFresh, isa);
            TiledSparseProducts.ColumnAxpy(columns, weight, a, rows, d, gLent, null, null, parallel, w, dLent, isa, buffer);
            CollectionAssert.AreEqual(gFresh, gLent, $"column products {isa}");
            CollectionAssert.AreEqual(dFresh, dLent, $"column dots {isa}");

            var wide = Enumerable.Range(0, 3 * n * d).Select(q => (float)Math.Sin(q)).ToArray();
            TiledSparseProducts.Decode(z, wide, Enumerable.Range(0, n).Select(i => 3 * i + 2).ToArray(), n, d, null, fresh, parallel, isa);
            TiledSparseProducts.Decode(z, wide, Enumerable.Range(0, n).Select(i => 3 * i + 2).ToArray(), n, d, null, lent, parallel, isa, buffer);
            CollectionAssert.AreEqual(fresh, lent, $"decode through a row map {isa}");
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
