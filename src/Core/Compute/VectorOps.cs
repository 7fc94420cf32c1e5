using System.Numerics.Tensors;

namespace MlNetConcepts.Compute;

/// <summary>
/// Single-precision vector helpers on <see cref="TensorPrimitives"/> (SIMD): dot products, axpy,
/// L2 norms, row normalisation, min/max and arg-max. Matrices are row-major, rows × cols,
/// packed (row stride = cols). Plain loops doing the same are in <see cref="VectorReference"/>.
/// </summary>
public static class VectorOps
{
    /// <summary>Σᵢ xᵢ·yᵢ.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        SameLength(x.Length, y.Length, nameof(y));
        return TensorPrimitives.Dot(x, y);
    }

    /// <summary>y ← α·x + y (BLAS axpy).</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        SameLength(x.Length, y.Length, nameof(y));
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }

    /// <summary>x ← α·x.</summary>
    public static void Scale(float alpha, Span<float> x) => TensorPrimitives.Multiply(x, alpha, x);

    /// <summary>‖x‖₂ = √(Σᵢ xᵢ²).</summary>
    public static float Norm(ReadOnlySpan<float> x) => TensorPrimitives.Norm(x);

    /// <summary>normsᵢ = ‖row i‖₂ for a rows×cols matrix.</summary>
    public static void RowNorms(ReadOnlySpan<float> matrix, int rows, int cols, Span<float> norms)
    {
        CheckMatrix(matrix.Length, rows, cols);
        SameLength(rows, norms.Length, nameof(norms));
        for (int i = 0; i < rows; i++) norms[i] = TensorPrimitives.Norm(matrix.Slice(i * cols, cols));
    }

    /// <summary>
    /// Scales each row to unit L2 norm in place (ê = e/‖e‖, as for cosine similarities). Rows whose
    /// norm is at most <paramref name="minNorm"/> (all-zero rows by default) are left unchanged, so
    /// no NaN appears; the return value counts them so callers can report or reject them.
    /// </summary>
    public static int NormalizeRows(Span<float> matrix, int rows, int cols, float minNorm = 0f)
    {
        CheckMatrix(matrix.Length, rows, cols);
        int skipped = 0;
        for (int i = 0; i < rows; i++)
        {
            var row = matrix.Slice(i * cols, cols);
            float norm = TensorPrimitives.Norm(row);
            if (!(norm > minNorm)) { skipped++; continue; }
            TensorPrimitives.Divide(row, norm, row);
        }
        return skipped;
    }

    /// <summary>The smallest and largest value; NaN when <paramref name="x"/> holds a NaN. Empty input is an error.</summary>
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        NotEmpty(x.Length);
        return (TensorPrimitives.Min(x), TensorPrimitives.Max(x));
    }

    /// <summary>Index of the largest value, the lowest index among ties; the first NaN's index if any.</summary>
    public static int ArgMax(ReadOnlySpan<float> x)
    {
        NotEmpty(x.Length);
        return TensorPrimitives.IndexOfMax(x);
    }

    /// <summary>Index of the smallest value, the lowest index among ties; the first NaN's index if any.</summary>
    public static int ArgMin(ReadOnlySpan<float> x)
    {
        NotEmpty(x.Length);
        return TensorPrimitives.IndexOfMin(x);
    }

    /// <summary>For each row of a rows×cols matrix, the column of its largest value (lowest index among ties).</summary>
    public static void RowArgMax(ReadOnlySpan<float> matrix, int rows, int cols, Span<int> result)
    {
        CheckMatrix(matrix.Length, rows, cols);
        if (cols == 0 && rows > 0) throw new ArgumentException("RowArgMax needs at least one column.", nameof(cols));
        SameLength(rows, result.Length, nameof(result));
        for (int i = 0; i < rows; i++) result[i] = TensorPrimitives.IndexOfMax(matrix.Slice(i * cols, cols));
    }

    /// <summary>For each row of a rows×cols matrix, the column of its smallest value (lowest index among ties).</summary>
    public static void RowArgMin(ReadOnlySpan<float> matrix, int rows, int cols, Span<int> result)
    {
        CheckMatrix(matrix.Length, rows, cols);
        if (cols == 0 && rows > 0) throw new ArgumentException("RowArgMin needs at least one column.", nameof(cols));
        SameLength(rows, result.Length, nameof(result));
        for (int i = 0; i < rows; i++) result[i] = TensorPrimitives.IndexOfMin(matrix.Slice(i * cols, cols));
    }

    internal static void SameLength(int expected, int actual, string name)
    {
        if (expected != actual) throw new ArgumentException($"{name} has length {actual}, expected {expected}.", name);
    }

    internal static void CheckMatrix(int length, int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Matrix sizes must be non-negative ({rows}×{cols}).");
        if ((long)rows * cols != length)
            throw new ArgumentException($"A {rows}×{cols} matrix needs {(long)rows * cols} values but the buffer holds {length}.");
    }

    private static void NotEmpty(int length)
    {
        if (length == 0) throw new ArgumentException("The span is empty.");
    }
}
