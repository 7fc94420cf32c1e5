namespace MlNetConcepts.Compute;

/// <summary>
/// Row-major single-precision matrix products through the backend in
/// <see cref="ComputeSettings.Gemm"/>: C ← α·op(A)·op(B) + β·C.
/// </summary>
public static class Gemm
{
    /// <summary>General form with explicit transposes and leading dimensions.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => ComputeSettings.Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>C(m×n) = A(m×k)·B(k×n), dense and packed.</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
        => Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);

    /// <summary>C(m×n) = A(m×k)·B(n×k)ᵀ, e.g. samples × centroidsᵀ.</summary>
    public static void MatMulTransB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
        => Sgemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);

    /// <summary>C(m×n) = A(k×m)ᵀ·B(k×n), e.g. a sum over samples of outer products.</summary>
    public static void MatMulTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int m, int n)
        => Sgemm(true, false, m, n, k, 1f, a, m, b, n, 0f, c, n);
}
