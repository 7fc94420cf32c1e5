using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Every cluster–feature overlap (Bíla et al. 2025, eq. 1) in ONE pass over the codes (N × K, dense or
/// CSR) and the clustered activations (N × d): each block's memberships c̃_nj = (1 + cos(a_n, μ_j))/2
/// (eq. 4) are computed into a block-sized buffer and used at once as the "profile" of
/// <see cref="ShiftedColumnSums"/>, which gathers, per feature k, the range, Σx, Σx² and Σ_n x_nk c̃_n of
/// x = a − m (m a provisional offset, see there). With min–max scaling ã = (a − min)/(max − min) =
/// (x − δ)/range, the sums eq. 1 needs follow without ever forming ã:
/// Σ_n c̃_nj ã_nk = (Σ_n c̃_nj x_nk − δ_k Σ_n c̃_nj)/range_k, Σã = (Σx − δN)/range, Σã² = (Σx² − 2δΣx + δ²N)/range².
/// Sparse codes (SAE codes: mostly zeros) cost O(nnz·J) for the cross sums, dense blocks one SGEMM.
/// The plain reference is <see cref="OverlapReference"/>.
/// </summary>
internal sealed class OverlapPass
{
    private readonly ClusterMembership _membership;
    private readonly ShiftedColumnSums _sums;
    private readonly double[] _c2;
    private float[] _c = [];

    public OverlapPass(DenseMatrix centroids, int features)
    {
        _membership = new ClusterMembership(centroids);
        _sums = new ShiftedColumnSums(features, centroids.Rows, minMax: true);
        _c2 = new double[centroids.Rows];
    }

    /// <summary>Samples added so far.</summary>
    public long Rows => _sums.Rows;

    /// <summary>Adds a dense block of codes (rows × K) with its activation rows (rows × d).</summary>
    public void AddDense(ReadOnlySpan<float> codes, ReadOnlySpan<float> activations, int rows, long firstRow, string codesSource, string activationsSource)
    {
        if (rows == 0) return;
        var c = Memberships(activations, rows, firstRow, activationsSource);
        _sums.AddDense(codes, rows, firstRow, codesSource, c);
    }

    /// <summary>Adds a block of CSR codes (implicit entries are 0) with its activation rows.</summary>
    public void AddSparse(SparseBatch codes, ReadOnlySpan<float> activations, long firstRow, string codesSource, string activationsSource)
    {
        if (codes.Rows == 0) return;
        var c = Memberships(activations, codes.Rows, firstRow, activationsSource);
        _sums.AddSparse(codes, firstRow, codesSource, c);
    }

    // c̃ of the block, and Σ c̃² in float64 (it enters the centred variance C2 − C1²/N).
    private ReadOnlySpan<float> Memberships(ReadOnlySpan<float> activations, int rows, long firstRow, string source)
    {
        int j = _membership.Clusters;
        if (_c.Length < rows * j) _c = new float[rows * j];
        _membership.OfRows(activations, rows, firstRow, source, _c);
        for (int r = 0; r < rows; r++)
        {
            var row = _c.AsSpan(r * j, j);
            for (int q = 0; q < j; q++) _c2[q] += (double)row[q] * row[q];
        }
        return _c.AsSpan(0, rows * j);
    }

    /// <summary>The overlaps; constant features (no min–max scaling) and zero variances give NaN.</summary>
    public OverlapReport Finish(bool centred)
    {
        int k = _sums.Columns, j = _membership.Clusters;
        var sums = new OverlapSums(j, k) { Samples = Rows };
        var u = _sums.ProfileSum;
        u.CopyTo(sums.C1);
        _c2.CopyTo(sums.C2, 0);
        var constant = new bool[k];
        for (int f = 0; f < k; f++)
        {
            constant[f] = _sums.IsConstant(f);
            if (constant[f]) continue;
            double range = _sums.Range(f), delta = _sums.Delta(f);
            sums.A1[f] = _sums.ShiftedS1(f) / range;
            sums.A2[f] = _sums.ShiftedS2(f) / (range * range);
            var cross = _sums.RawCross(f);
            for (int q = 0; q < j; q++) sums.Cross[(long)q * k + f] = (cross[q] - delta * u[q]) / range;
        }
        return sums.Finish(f => constant[f], centred);
    }
}
