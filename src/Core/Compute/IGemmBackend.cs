namespace MlNetConcepts.Compute;

/// <summary>
/// A single-precision matrix product provider. All matrices are row-major; the call computes
/// C ← α·op(A)·op(B) + β·C where op(X) is X or Xᵀ, op(A) is m×k, op(B) is k×n and C is m×n,
/// with leading dimensions (row strides) lda, ldb, ldc as in CBLAS with CblasRowMajor.
/// This is the seam where another backend (e.g. a GPU) can plug in.
/// </summary>
public interface IGemmBackend
{
    /// <summary>Short name shown in diagnostics, e.g. "openblas (SkylakeX)".</summary>
    string Name { get; }

    /// <summary>Computes C ← α·op(A)·op(B) + β·C (see the interface remarks for the layout).</summary>
    void Sgemm(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);
}
