using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Smoothed cluster membership d̃_nj = (1 + cos(a_n, μ_j))/2 (seed 000, eq. 4), in [0, 1]:
/// the normalised angular closeness of a sample to a centroid. It replaces ã in the cluster
/// MonoSemanticity (eq. 5) and is the c̃ of the overlap (eq. 1).
/// </summary>
public sealed class ClusterMembership
{
    private readonly DenseMatrix _activations;
    private readonly double[] _rowNorms;
    private readonly float[] _unitCentroids;

    /// <summary>Prepares memberships of <paramref name="activations"/> (N × d) to <paramref name="centroids"/> (J × d).</summary>
    public ClusterMembership(DenseMatrix activations, DenseMatrix centroids)
    {
        EvaluatorChecks.SameCols(activations, centroids, "centroids must live in the activation space");
        _activations = activations;
        _rowNorms = UnitRows.Norms(activations);
        _unitCentroids = UnitRows.Unit(centroids, UnitRows.Norms(centroids));
        Clusters = centroids.Rows;
    }

    /// <summary>Number of clusters J.</summary>
    public int Clusters { get; }

    /// <summary>Number of samples N.</summary>
    public int Samples => _activations.Rows;

    /// <summary>Writes d̃ for rows [first, first+rows) into <paramref name="destination"/> (rows × J).</summary>
    public void Block(int first, int rows, Span<float> destination)
    {
        int d = _activations.Cols;
        var unit = new float[rows * d];
        UnitRows.CopyUnit(_activations, _rowNorms, first, rows, unit);
        Gemm.MatMulTransB(unit, _unitCentroids, destination, rows, d, Clusters);
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
