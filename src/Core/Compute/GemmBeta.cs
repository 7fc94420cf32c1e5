namespace MlNetConcepts.Compute;

/// <summary>
/// The degenerate GEMM cases every backend shares: when k = 0 or α = 0 the product vanishes and
/// C ← β·C, with β = 0 meaning "set to zero" whatever C held (NaN included), as BLAS does.
/// </summary>
internal static class GemmBeta
{
    /// <summary>True when the call reduces to C ← β·C (or does nothing because C is empty).</summary>
    public static bool IsTrivial(int m, int n, int k, float alpha) => m == 0 || n == 0 || k == 0 || alpha == 0f;

    /// <summary>C ← β·C over the m×n block with row stride <paramref name="ldc"/>.</summary>
    public static void Scale(int m, int n, float beta, Span<float> c, int ldc)
    {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0f) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
