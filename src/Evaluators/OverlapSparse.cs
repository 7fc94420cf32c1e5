using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Overlap (Bíla et al. 2025, eq. 1) from CSR codes without forming ã: one pass accumulates, in
/// float64, S_jk = Σ_stored c̃_nj a_nk (J work per stored value), Σa, Σa² and the range of each
/// feature over its stored values, then min–max scaling is applied to the sums. A feature with
/// fewer stored values than rows also takes the value 0, so 0 joins its range.
/// </summary>
internal static class OverlapSparse
{
    public static OverlapReport Compute(MatrixFile codes, RowBlocks activations, DenseMatrix centroids, bool centred, int block)
    {
        int k = codes.Cols, j = centroids.Rows;
        long n = codes.Rows;
        var membership = new ClusterMembership(centroids);
        var x = new float[block * activations.Cols];
        var c = new float[block * j];
        var crossT = new double[(long)k * j];   // K × J so one stored value updates a contiguous row
        var raw1 = new double[k];
        var raw2 = new double[k];
        var count = new long[k];
        var min = new float[k];
        var max = new float[k];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        var sums = new OverlapSums(j, k);
        for (long first = 0; first < n; first += block)
        {
            int rows = (int)Math.Min(block, n - first);
            activations.Read(first, rows, x);
            membership.OfRows(x, rows, first, activations.Name, c);
            Overlap.AddSquares(c, rows, j, sums.C1, sums.C2);
            var batch = codes.ReadSparse(first, rows);
            for (int r = 0; r < rows; r++)
            {
                var cr = c.AsSpan(r * j, j);
                var columns = batch.RowIndices(r);
                var values = batch.RowValues(r);
                for (int e = 0; e < columns.Length; e++)
                {
                    int f = columns[e];
                    float v = values[e];
                    if (!float.IsFinite(v)) throw new ConceptDataException($"{codes.Path}: value {v} at row {first + r}, column {f} is not finite.");
                    raw1[f] += v;
                    raw2[f] += (double)v * v;
                    count[f]++;
                    if (v < min[f]) min[f] = v;
                    if (v > max[f]) max[f] = v;
                    var dst = crossT.AsSpan((int)((long)f * j), j);
                    for (int q = 0; q < j; q++) dst[q] += cr[q] * (double)v;
                }
            }
        }
        sums.Samples = n;
        var constant = new bool[k];
        for (int f = 0; f < k; f++)
        {
            // Unstored entries are zeros: they widen the range to 0 and add nothing to the raw sums.
            double lo = count[f] < n ? Math.Min(0, min[f]) : min[f];
            double hi = count[f] < n ? Math.Max(0, max[f]) : max[f];
            double range = hi - lo;
            constant[f] = range == 0;
            if (constant[f]) continue;
            double a1 = raw1[f] - n * lo;
            sums.A1[f] = a1 / range;
            sums.A2[f] = (raw2[f] - 2 * lo * raw1[f] + n * lo * lo) / (range * range);
            for (int q = 0; q < j; q++) sums.Cross[(long)q * k + f] = (crossT[(long)f * j + q] - lo * sums.C1[q]) / range;
        }
        return sums.Finish(f => constant[f], centred);
    }
}
