using System.Buffers;
using System.Numerics.Tensors;

namespace MlNetConcepts.Compute;

/// <summary>
/// GEMM without packing, for products too small to repay it, for one or two rows of C (a
/// vector–matrix product) and for one or two columns (matrix–vector): each row of C is built
/// with <see cref="TensorPrimitives"/>, either as a sum of scaled rows of B or as dot products
/// with the columns of op(B) (read in place when B is transposed, gathered once otherwise).
/// </summary>
internal static class SmallGemm
{
    /// <summary>Products up to this many multiply–adds take the small path.</summary>
    public const long MaxWork = 48L * 48 * 48;

    /// <summary>C with at most this many columns uses dot products (the packed path would pad them to a full register block).</summary>
    public const int NarrowColumns = 2;

    /// <summary>True when the small path is the better choice.</summary>
    public static bool Applies(int m, int n, int k) => m <= 2 || n <= NarrowColumns || (long)m * n * k <= MaxWork;

    /// <summary>C ← α·op(A)·op(B) + β·C for arguments already checked and non-trivial.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Dot products when the columns of op(B) are rows of B, or when C is narrow enough that
        // gathering its few columns once is cheaper than n-wide row updates.
        bool dots = transB || n <= NarrowColumns;
        float[]? gathered = dots && !transB ? ArrayPool<float>.Shared.Rent(n * k) : null;
        float[] rowBuffer = ArrayPool<float>.Shared.Rent(k), accBuffer = ArrayPool<float>.Shared.Rent(n);
        try
        {
            if (gathered is not null)
                for (int j = 0; j < n; j++)
                    for (int p = 0; p < k; p++) gathered[j * k + p] = b[p * ldb + j];
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

                if (dots)
                {
                    for (int j = 0; j < n; j++)
                        acc[j] = TensorPrimitives.Dot(ai, gathered is null ? b.Slice(j * ldb, k) : gathered.AsSpan(j * k, k));
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
            if (gathered is not null) ArrayPool<float>.Shared.Return(gathered);
            ArrayPool<float>.Shared.Return(rowBuffer);
            ArrayPool<float>.Shared.Return(accBuffer);
        }
    }
}
