using System.Buffers;
using System.Numerics.Tensors;

namespace MlNetConcepts.Compute;

/// <summary>
/// GEMM without packing, for products too small to repay it (and for one or two rows, where the
/// product is a matrix–vector one): each row of C is built with <see cref="TensorPrimitives"/>,
/// as a sum of scaled rows of B (B not transposed) or as dot products with rows of B (Bᵀ).
/// </summary>
internal static class SmallGemm
{
    /// <summary>Products up to this many multiply–adds take the small path.</summary>
    public const long MaxWork = 48L * 48 * 48;

    /// <summary>True when the small path is the better choice.</summary>
    public static bool Applies(int m, int n, int k) => m <= 2 || (long)m * n * k <= MaxWork;

    /// <summary>C ← α·op(A)·op(B) + β·C for arguments already checked and non-trivial.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        float[] rowBuffer = ArrayPool<float>.Shared.Rent(k), accBuffer = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var aRow = rowBuffer.AsSpan(0, k);
            var acc = accBuffer.AsSpan(0, n);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> ai;
                if (transA)
                {
                    for (int p = 0; p < k; p++) aRow[p] = a[p * lda + i];
                    ai = aRow;
                }
                else ai = a.Slice(i * lda, k);

                if (transB)
                {
                    for (int j = 0; j < n; j++) acc[j] = TensorPrimitives.Dot(ai, b.Slice(j * ldb, k));
                }
                else
                {
                    acc.Clear();
                    for (int p = 0; p < k; p++) TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), ai[p], acc, acc);
                }

                var ci = c.Slice(i * ldc, n);
                TensorPrimitives.Multiply(acc, alpha, acc);
                if (beta == 0f) acc.CopyTo(ci);
                else TensorPrimitives.MultiplyAdd(ci, beta, acc, ci);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rowBuffer);
            ArrayPool<float>.Shared.Return(accBuffer);
        }
    }
}
