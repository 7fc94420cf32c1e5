namespace MlNetConcepts.Compute;

/// <summary>
/// The plain triple loop, accumulating in double: slow, obviously correct, and the oracle the
/// fast backends are tested against.
/// </summary>
public sealed class ReferenceGemm : IGemmBackend
{
    /// <summary>The shared instance.</summary>
    public static ReferenceGemm Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                ref float cij = ref c[i * ldc + j];
                // β = 0 must ignore whatever C holds (even NaN), as BLAS does.
                cij = (float)(alpha * sum + (beta == 0f ? 0.0 : (double)beta * cij));
            }
        }
    }
}
