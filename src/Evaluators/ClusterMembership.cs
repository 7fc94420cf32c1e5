using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Smoothed cluster membership d̃_nj = (1 + cos(a_n, μ_j))/2 (Bíla et al. 2025, eq. 4), in [0, 1]:
/// the normalised angular closeness of a sample to a centroid. It replaces ã in the cluster
/// MonoSemanticity (eq. 5) and is the c̃ of the overlap (eq. 1).
/// </summary>
public sealed class ClusterMembership
{
    private readonly DenseMatrix? _activations;
    private readonly double[]? _rowNorms;
    private readonly float[] _unitCentroids;
    private readonly int _width;

    /// <summary>Prepares memberships of <paramref name="activations"/> (N × d) to <paramref name="centroids"/> (J × d).</summary>
    public ClusterMembership(DenseMatrix activations, DenseMatrix centroids) : this(centroids)
    {
        EvaluatorChecks.SameCols(activations, centroids, "centroids must live in the activation space");
        _activations = activations;
        _rowNorms = UnitRows.Norms(activations);
    }

    /// <summary>
    /// Prepares memberships to <paramref name="centroids"/> (J × d) for activation rows handed
    /// over a block at a time with <see cref="RowsBlock"/> (streamed inputs).
    /// </summary>
    public ClusterMembership(DenseMatrix centroids)
    {
        _unitCentroids = UnitRows.Unit(centroids, UnitRows.Norms(centroids));
        _width = centroids.Cols;
        Clusters = centroids.Rows;
    }

    /// <summary>Number of clusters J.</summary>
    public int Clusters { get; }

    /// <summary>Number of samples N (0 when rows are handed over in blocks).</summary>
    public int Samples => _activations?.Rows ?? 0;

    /// <summary>Writes d̃ for rows [first, first+rows) into <paramref name="destination"/> (rows × J).</summary>
    public void Block(int first, int rows, Span<float> destination)
    {
        if (_activations is null) throw new InvalidOperationException("This membership was built from centroids only; use RowsBlock.");
        var unit = new float[rows * _width];
        UnitRows.CopyUnit(_activations, _rowNorms!, first, rows, unit);
        FromUnitRows(unit, rows, destination);
    }

    /// <summary>
    /// Writes d̃ of <paramref name="rows"/> activation rows (rows × d, row-major) into
    /// <paramref name="destination"/> (rows × J). An all-zero row is an error naming
    /// <paramref name="source"/> and its row number (<paramref name="firstRow"/> + offset).
    /// </summary>
    public void RowsBlock(ReadOnlySpan<float> block, int rows, Span<float> destination, string source, long firstRow)
    {
        var unit = new float[rows * _width];
        for (int r = 0; r < rows; r++)
        {
            var src = block.Slice(r * _width, _width);
            double s = 0;
            foreach (var v in src) s += (double)v * v;
            if (s == 0) throw new ConceptDataException($"{source}: row {firstRow + r} is all zeros, so its cosine similarity is undefined.");
            double inv = 1 / Math.Sqrt(s);
            var dst = unit.AsSpan(r * _width, _width);
            for (int c = 0; c < _width; c++) dst[c] = (float)(src[c] * inv);
        }
        FromUnitRows(unit, rows, destination);
    }

    private void FromUnitRows(float[] unit, int rows, Span<float> destination)
    {
        Gemm.MatMulTransB(unit, _unitCentroids, destination, rows, _width, Clusters);
        var dst = destination[..(rows * Clusters)];
        for (int i = 0; i < dst.Length; i++) dst[i] = (1f + Math.Clamp(dst[i], -1f, 1f)) * 0.5f;
    }

    /// <summary>All memberships (N × J).</summary>
    public DenseMatrix All()
    {
        var m = new float[(long)Samples * Clusters];
        Block(0, Samples, m);
        return DenseMatrix.Create(m, Samples, Clusters, "cluster memberships");
    }
}
