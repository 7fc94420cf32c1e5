namespace MlNetConcepts.Evaluators;

/// <summary>
/// Plain float64 reference for <see cref="Overlap"/>, straight from the definitions: min–max
/// scaled codes ã, memberships c̃ = (1 + cos(a_n, μ_j))/2, and for every pair the cosine
/// Σ c̃ã/√(Σc̃²·Σã²) (Bíla et al. 2025, eq. 1) or, centred, the same after subtracting the
/// means. O(N·J·(K + d)) with no blocking and no GEMM; for tests.
/// </summary>
public static class OverlapReference
{
    /// <summary>All J × K overlaps, row-major; NaN for constant features and zero variances.</summary>
    public static double[] Compute(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, bool centred = false)
    {
        int n = codes.Rows, k = codes.Cols, j = centroids.Rows;
        var scaled = new double[k][];
        for (int f = 0; f < k; f++)
        {
            var col = Enumerable.Range(0, n).Select(r => (double)codes.Data[(long)r * k + f]).ToArray();
            double lo = col.Min(), hi = col.Max();
            scaled[f] = hi > lo ? col.Select(v => (v - lo) / (hi - lo)).ToArray() : null!;
        }
        var member = new double[j][];
        for (int c = 0; c < j; c++) member[c] = Overlap.ClusterColumn(activations, centroids, c);
        var o = new double[(long)j * k];
        for (int c = 0; c < j; c++)
            for (int f = 0; f < k; f++)
                o[(long)c * k + f] = scaled[f] is null ? double.NaN : Cosine(member[c], scaled[f], centred);
        return o;
    }

    private static double Cosine(double[] x, double[] y, bool centred)
    {
        double mx = centred ? x.Average() : 0, my = centred ? y.Average() : 0;
        double xy = 0, xx = 0, yy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i] - mx, b = y[i] - my;
            xy += a * b; xx += a * a; yy += b * b;
        }
        return xx > 0 && yy > 0 ? xy / Math.Sqrt(xx * yy) : double.NaN;
    }
}
