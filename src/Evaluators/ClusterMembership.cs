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
    private UnitRowBuffer? _rows;

    /// <summary>Prepares memberships of <paramref name="activations"/> (N × d) to <paramref name="centroids"/> (J × d).</summary>
    public ClusterMembership(DenseMatrix activations, DenseMatrix centroids) : this(centroids)
    {
        EvaluatorChecks.SameCols(activations, centroids, "centroids must live in the activation space");
        _activations = activations;
        _rowNorms = UnitRows.Norms(activations);
    }

    /// <summary>Prepares memberships to <paramref name="centroids"/> (J × d) of activation blocks passed to <see cref="OfRows"/>.</summary>
    public ClusterMembership(DenseMatrix centroids)
    {
        _unitCentroids = UnitRows.Unit(centroids, UnitRows.Norms(centroids));
        _width = centroids.Cols;
        Clusters = centroids.Rows;
    }

    /// <summary>Number of clusters J.</summary>
    public int Clusters { get; }

    /// <summary>Number of samples N (of the matrix given to the constructor).</summary>
    public int Samples => _activations?.Rows ?? 0;

    /// <summary>Writes d̃ for rows [first, first+rows) of the constructor's matrix into <paramref name="destination"/> (rows × J).</summary>
    public void Block(int first, int rows, Span<float> destination)
    {
        if (_activations is null) throw new InvalidOperationException("This membership was made for activation blocks: use OfRows.");
        var unit = new float[rows * _width];
        UnitRows.CopyUnit(_activations, _rowNorms!, first, rows, unit);
        FromUnitRows(unit, rows, destination);
    }

    /// <summary>
    /// Writes d̃ of a block of raw activation rows (rows × d, row-major; the first is sample
    /// <paramref name="firstRow"/> of <paramref name="source"/>, for errors) into <paramref name="destination"/> (rows × J).
    /// The product is taken of the raw rows as they lie (a memory-mapped block is read in place, no normalised
    /// copy is written) and each row of it is scaled by 1/‖a_n‖: cos(a_n, μ_j) = (a_n · μ̂_j)/‖a_n‖. One
    /// instance serves one thread; a non-finite value or an all-zero row is an error naming the row. The plain
    /// form normalises the rows first (<see cref="Block"/>).
    /// </summary>
    public void OfRows(ReadOnlySpan<float> activations, int rows, long firstRow, string source, Span<float> destination)
    {
        if (activations.Length < rows * _width) throw new ConceptDataException($"{source}: rows have {activations.Length / Math.Max(1, rows)} values but the centroids have {_width}.");
        var inverse = (_rows ??= new UnitRowBuffer(_width)).InverseNorms(activations, rows, firstRow, source);
        Gemm.MatMulTransB(activations[..(rows * _width)], _unitCentroids, destination, rows, _width, Clusters);
        for (int r = 0; r < rows; r++)
        {
            var row = destination.Slice(r * Clusters, Clusters);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, inverse[r], row);
        }
        ToMembership(destination[..(rows * Clusters)]);
    }

    private void FromUnitRows(ReadOnlySpan<float> unit, int rows, Span<float> destination)
    {
        Gemm.MatMulTransB(unit, _unitCentroids, destination, rows, _width, Clusters);
        ToMembership(destination[..(rows * Clusters)]);
    }

    // d̃ = (1 + clamp(cos, −1, 1))/2, a vector pass per step (rounding to within one ulp of the scalar form).
    private static void ToMembership(Span<float> dst)
    {
        System.Numerics.Tensors.TensorPrimitives.Max(dst, -1f, dst);
        System.Numerics.Tensors.TensorPrimitives.Min(dst, 1f, dst);
        System.Numerics.Tensors.TensorPrimitives.Add(dst, 1f, dst);
        System.Numerics.Tensors.TensorPrimitives.Multiply(dst, 0.5f, dst);
    }

    /// <summary>All memberships (N × J).</summary>
    public DenseMatrix All()
    {
        if (_activations is null) throw new InvalidOperationException("This membership was made for activation blocks: use OfRows.");
        var m = new float[(long)Samples * Clusters];
        Block(0, Samples, m);
        return DenseMatrix.Create(m, Samples, Clusters, "cluster memberships");
    }
}
