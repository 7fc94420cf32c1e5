using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SparseDecoderTests
{
    [TestMethod]
    public void SparseForwardAndBackwardMatchDenseReference()
    {
        const int rows = 37, n = 300, d = 24, k = 7;
        var rng = new Random(5);
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var dec = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var bias = Enumerable.Range(0, d).Select(_ => (float)rng.NextDouble()).ToArray();
        var x = Enumerable.Range(0, rows * d).Select(_ => (float)(rng.NextDouble() * 3)).ToArray();
        var codes = new SparseCodes(rows, rows * k);
        TopSelection.TopKPerRow(pre, rows, n, k, codes, new ParallelOptions());
        int[] ends = [20, 60, 140, n];
        double[] gw = [0.25, 0.25, 0.25, 0.25];
        var groupOf = new int[n];
        for (int g = 0, i = 0; g < ends.Length; g++) for (; i < ends[g]; i++) groupOf[i] = g;

        float[][] S1 = ends.Select(_ => new float[rows * d]).ToArray(), S2 = ends.Select(_ => new float[rows * d]).ToArray();
        var r1 = new float[rows * d]; var r2 = new float[rows * d];
        var gz = new float[codes.Count];
        double l1 = SparseDecoder.Forward(codes, x, dec, bias, d, ends, gw, S1, r1, new ParallelOptions { MaxDegreeOfParallelism = 2 }, gz, groupOf, 0.1f);
        var dense = codes.ToDense(n);
        double l2 = SparseDecoder.ForwardDense(dense, rows, n, x, dec, bias, d, ends, gw, S2, r2);
        Assert.AreEqual(l2, l1, 1e-4 * l2);
        for (int g = 0; g < ends.Length; g++) for (int q = 0; q < S1[g].Length; q++) Assert.AreEqual(S2[g][q], S1[g][q], 1e-4);

        var gw1 = new float[n * d]; var gw2 = new float[n * d];
        SparseDecoder.Backward(codes, new CodeColumns(codes, n), S1, groupOf, d, 0.1f, gw1, new ParallelOptions());
        var gzDense = SparseDecoder.BackwardDense(dense, rows, n, S2, groupOf, dec, d, 0.1f, gw2);
        for (int r = 0; r < rows; r++)
            for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++)
                Assert.AreEqual(gzDense[r * n + codes.Index[e]], gz[e], 1e-4);
        for (int q = 0; q < gw1.Length; q++) Assert.AreEqual(gw2[q], gw1[q], 1e-4);
        Assert.IsTrue(gw1.Count(v => v != 0) > 0 && gw1.Count(v => v == 0) > 0, "only active latents receive decoder gradient");
    }

    [TestMethod]
    [DataRow(40, true)] [DataRow(300, true)] [DataRow(300, false)] [DataRow(1200, false)]
    public void WideRowSelectionByHistogramMatchesASort(int k, bool positiveOnly)
    {
        // Rows of 3,000 with values on a 0.01 grid (ties at most cuts), and rows made to trip the histogram's buckets.
        const int rows = 30, n = 3000;
        var rng = new Random(k);
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)Math.Round(rng.NextDouble() * 4 - 2, 2)).ToArray();
        Span<float> Row(int r) => pre.AsSpan(r * n, n);
        Row(0).Fill(0.75f); // one bucket, every value tied
        for (int q = 0; q < n; q++) Row(1)[q] = 1f + (q * 7919 % n) * 1e-7f; // distinct values, all in one bucket
        for (int q = 0; q < n; q++) Row(2)[q] = q < 100 ? 1f + q : q < 1500 ? (q % 2 == 0 ? 0f : -0f) : -1f - q; // the cut among ±0
        for (int q = 0; q < n; q++) Row(3)[q] = q % 10 == 0 ? 2f : q % 10 == 1 ? 1e-40f * (q % 7 + 1) : -1f; // subnormals at the cut
        for (int q = 0; q < n; q++) Row(4)[q] = q % 97 == 0 ? 3f : -3f; // fewer positives than k
        Row(5)[17] = float.PositiveInfinity; Row(5)[18] = float.NegativeInfinity; // the exact path orders them
        for (int q = 0; q < n; q++) Row(6)[q] = MathF.ScaleB(1f + q % 13 * 0.1f, q % 40 - 20); // spread over 40 octaves
        var codes = new SparseCodes(rows, 1);
        TopSelection.TopKPerRowSelect(pre, rows, n, k, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 }, positiveOnly);
        for (int r = 0; r < rows; r++)
        {
            var expected = Enumerable.Range(0, n).Where(i => pre[r * n + i] > 0 || !positiveOnly).OrderByDescending(i => pre[r * n + i]).ThenBy(i => i).Take(k).Order().ToArray();
            CollectionAssert.AreEqual(expected, codes.Index[codes.RowStart[r]..codes.RowStart[r + 1]], $"row {r}");
        }
    }

    [TestMethod]
    public void BatchSelectionKeepsTheLargestValuesOfTheBatch()
    {
        var rng = new Random(9);
        const int rows = 50, n = 40;
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var codes = new SparseCodes(rows, 1);
        TopSelection.TopOfBatch(pre, rows, n, 123, codes, new ParallelOptions());
        var expected = pre.Select((v, q) => (v, q)).OrderByDescending(t => t.v).Take(123).Select(t => t.q).Order().ToArray();
        var got = Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(codes.RowStart[r], codes.RowStart[r + 1] - codes.RowStart[r]).Select(e => r * n + codes.Index[e])).ToArray();
        CollectionAssert.AreEqual(expected, got);
    }
}

[TestClass]
public sealed class TopSelectionTests
{
    [TestMethod]
    [DataRow(1L)] [DataRow(17L)] [DataRow(500L)] [DataRow(5000L)] [DataRow(200000L)]
    public void BatchSampledCutMatchesASortWithTies(long m)
    {
        var rng = new Random((int)m);
        const int rows = 300, n = 300;
        // Coarse values give ties; a spread of magnitudes spans many histogram buckets.
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(Math.Round(rng.NextDouble() * 40 - 10) * Math.Pow(10, rng.Next(-2, 2)))).ToArray();
        AssertBatchSelectionIsTheSort(pre, rows, n, m);
    }

    [TestMethod]
    public void BatchSelectionFallsBackWhenTheSampledFloorIsTooHigh()
    {
        // 500×400 values are sampled at stride 3. Put 2,500 large values exactly on sampled positions:
        // the sample then over-represents them threefold, the floor lands on them (10), and only
        // 2,500 < m = 3,000 candidates reach it, so the exact path must take over.
        const int rows = 500, n = 400;
        const long m = 3000;
        var rng = new Random(4);
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 0.9 + 0.05)).ToArray();
        for (int q = 0; q < 2500; q++) pre[q * 3 * 7] = 10f;
        Assert.AreEqual(10f, TopSelection.CandidateFloor(pre, pre.Length, m));
        Assert.IsLessThan(m, pre.Count(v => v >= 10f));
        AssertBatchSelectionIsTheSort(pre, rows, n, m);
    }

    /// <summary>The fast and the reference batch selection both keep exactly the m largest positive values (earliest first on ties).</summary>
    private static void AssertBatchSelectionIsTheSort(float[] pre, int rows, int n, long m)
    {
        var expected = Enumerable.Range(0, rows * n).Where(q => pre[q] > 0).OrderByDescending(q => pre[q]).ThenBy(q => q).Take((int)m).Order().ToArray();
        foreach (var select in new Action<float[], int, int, long, SparseCodes, ParallelOptions>[] { TopSelection.TopOfBatch, TopSelection.TopOfBatchReference })
        {
            var codes = new SparseCodes(rows, 1);
            select(pre, rows, n, m, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 });
            var got = Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(codes.RowStart[r], codes.RowStart[r + 1] - codes.RowStart[r]).Select(e => r * n + codes.Index[e])).ToArray();
            CollectionAssert.AreEqual(expected, got);
            for (int r = 0; r < rows; r++)
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++) Assert.AreEqual(pre[r * n + codes.Index[e]], codes.Value[e]);
        }
    }

    [TestMethod]
    public void LargeBatchSelectionUsesTheSampledFloorAndMatchesTheSort()
    {
        // Large enough (768×512) for a strided sample, with coarse values so ties straddle the cut.
        const int rows = 768, n = 512;
        var rng = new Random(12);
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)Math.Round(rng.NextDouble() * 200 - 100) / 10f).ToArray();
        foreach (long m in new long[] { 1, 700, 20_000 })
        {
            Assert.IsGreaterThan(0f, TopSelection.CandidateFloor(pre, pre.Length, m), $"m = {m} takes the sampled path");
            AssertBatchSelectionIsTheSort(pre, rows, n, m);
        }
    }

    [TestMethod]
    [DataRow(1)] [DataRow(5)] [DataRow(32)] [DataRow(33)] [DataRow(60)]
    public void PerRowSelectionMatchesASortWithTies(int k) // of positive values, and of any sign
    {
        var rng = new Random(k);
        const int rows = 40, n = 64;
        // Coarse values so ties and rows with fewer than k positives occur.
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)Math.Round(rng.NextDouble() * 2 - (rng.Next(4) == 0 ? 1.9 : 0.5), 1)).ToArray();
        foreach (bool positiveOnly in new[] { true, false })
        foreach (var select in PerRowSelections)
        {
            var codes = new SparseCodes(rows, 1);
            select(pre, rows, n, k, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 }, positiveOnly);
            for (int r = 0; r < rows; r++)
            {
                var expected = Enumerable.Range(0, n).Where(i => pre[r * n + i] > 0 || !positiveOnly).OrderByDescending(i => pre[r * n + i]).ThenBy(i => i).Take(k).Order().ToArray();
                var got = codes.Index[codes.RowStart[r]..codes.RowStart[r + 1]];
                CollectionAssert.AreEqual(expected, got, $"row {r} (positive only: {positiveOnly})");
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++) Assert.AreEqual(pre[r * n + codes.Index[e]], codes.Value[e]);
            }
        }
    }

    /// <summary>The per-row selection, its two paths called directly, all without a column map.</summary>
    private static Action<float[], int, int, int, SparseCodes, ParallelOptions, bool>[] PerRowSelections =>
    [
        (pre, rows, n, k, codes, parallel, positiveOnly) => TopSelection.TopKPerRow(pre, rows, n, k, codes, parallel, positiveOnly),
        (pre, rows, n, k, codes, parallel, positiveOnly) => TopSelection.TopKPerRowSelect(pre, rows, n, k, codes, parallel, positiveOnly),
        (pre, rows, n, k, codes, parallel, positiveOnly) => TopSelection.TopKPerRowSmall(pre, rows, n, k, codes, parallel, positiveOnly),
    ];

    [TestMethod]
    [DataRow(7, 60)] [DataRow(300, 2000)]
    public void PerRowSelectionOverChosenColumnsMatchesASortOfThoseColumns(int k, int n) // AuxK's dead latents, read in place
    {
        var rng = new Random(k);
        const int rows = 30;
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)Math.Round(rng.NextDouble() * 2 - 0.6, 2)).ToArray();
        for (int q = 0; q < n; q++) pre[5 * n + q] = -Math.Abs(pre[5 * n + q]) + (q % 97 == 0 ? 1 : 0); // a row with fewer than k positives
        var columns = Enumerable.Range(0, n).Where(i => i % 4 != 1).ToArray();
        int m = columns.Length;
        foreach (bool positiveOnly in new[] { true, false })
        foreach (var select in new Action<SparseCodes>[]
        {
            codes => TopSelection.TopKPerRow(pre, rows, n, k, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 }, positiveOnly, columns),
            codes => TopSelection.TopKPerRowSelect(pre, rows, n, k, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 }, positiveOnly, columns),
            codes => TopSelection.TopKPerRowSmall(pre, rows, n, k, codes, new ParallelOptions { MaxDegreeOfParallelism = 2 }, positiveOnly, columns),
        })
        {
            var codes = new SparseCodes(rows, 1);
            select(codes);
            for (int r = 0; r < rows; r++)
            {
                var expected = Enumerable.Range(0, m).Where(c => pre[r * n + columns[c]] > 0 || !positiveOnly)
                    .OrderByDescending(c => pre[r * n + columns[c]]).ThenBy(c => c).Take(k).Order().ToArray();
                var got = codes.Index[codes.RowStart[r]..codes.RowStart[r + 1]];
                CollectionAssert.AreEqual(expected, got, $"row {r} (positive only: {positiveOnly})");
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++) Assert.AreEqual(pre[r * n + columns[codes.Index[e]]], codes.Value[e]);
            }
        }
    }

    [TestMethod]
    public void ParallelColumnIndexIsTheSequentialTranspose()
    {
        // Columns in row order, built over one row block per thread on 1, 3 and 8 threads, against a plain transpose.
        var rng = new Random(9);
        const int rows = 53, n = 40;
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var codes = new SparseCodes(rows, 1);
        TopSelection.TopKPerRow(pre, rows, n, 6, codes, new ParallelOptions());
        foreach (int threads in new[] { 1, 3, 8 })
        {
            var columns = new CodeColumns(codes, n, new ParallelOptions { MaxDegreeOfParallelism = threads });
            AssertTranspose(codes, n, columns, null, 0f, $"{threads} threads");
        }
    }

    [TestMethod]
    public void ColumnIndexReusingArraysAndScatteringValuesIsThePlainTranspose()
    {
        // Rebuilt into the arrays of an index over more entries (stale values left in them), with the values written scaled
        // in column order during the scatter; against the plain transpose, on 1, 3 and 8 threads.
        var rng = new Random(10);
        const int rows = 61, n = 40;
        var pre = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var wide = new SparseCodes(rows, 1);
        TopSelection.TopKPerRow(pre, rows, n, 9, wide, new ParallelOptions());
        var codes = new SparseCodes(rows, 1);
        TopSelection.TopKPerRow(pre, rows, n, 5, codes, new ParallelOptions());
        foreach (int threads in new[] { 1, 3, 8 })
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var previous = new CodeColumns(wide, n, parallel);
            var values = Enumerable.Repeat(float.NaN, wide.Count).ToArray();
            var columns = new CodeColumns(codes, n, parallel, previous, values, -0.75f);
            Assert.AreSame(previous.Row, columns.Row, "the row array is reused");
            AssertTranspose(codes, n, columns, values, -0.75f, $"{threads} threads");
        }
    }

    /// <summary>Checks the index (and, when given, the scaled values in column order) against a plain transpose: latents in turn, rows in order.</summary>
    private static void AssertTranspose(SparseCodes codes, int n, CodeColumns columns, float[]? values, float scale, string where)
    {
        int c = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(c, columns.Start[i], where);
            for (int r = 0; r < codes.Rows; r++)
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++)
                    if (codes.Index[e] == i)
                    {
                        Assert.AreEqual(e, columns.Entry[c], where);
                        Assert.AreEqual(r, columns.Row[c], where);
                        if (values is not null) Assert.AreEqual(scale * codes.Value[e], values[c], where);
                        c++;
                    }
        }
        Assert.AreEqual(codes.Count, columns.Start[n], where);
    }
}
