using System.Runtime.CompilerServices;

namespace MlNetConcepts.Compute;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernels stream through
/// (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008):
/// A as strips of <c>mr</c> rows stored column by column, B as strips of <c>nr</c> columns
/// stored row by row. Short final strips are padded with zeros so kernels always run full width.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+rows, p0..p0+depth] (op(A) is A or Aᵀ of a row-major A with stride lda)
    /// into <paramref name="dst"/>: strip s holds rows s·mr.. as depth groups of mr values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, int lda, int i0, int rows, int p0, int depth, int mr, float* dst)
    {
        for (int s = 0; s * mr < rows; s++)
        {
            int r0 = i0 + s * mr, count = Math.Min(mr, rows - s * mr);
            float* d = dst + (long)s * mr * depth;
            if (transA)
            {
                // op(A)[r, p] = A[p, r]: the mr values of one column are contiguous in A.
                for (int p = 0; p < depth; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + r0;
                    float* to = d + p * mr;
                    for (int r = 0; r < count; r++) to[r] = src[r];
                    for (int r = count; r < mr; r++) to[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < mr; r++)
                {
                    if (r < count)
                    {
                        float* src = a + (long)(r0 + r) * lda + p0;
                        for (int p = 0; p < depth; p++) d[p * mr + r] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < depth; p++) d[p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs strips <paramref name="firstStrip"/>..<paramref name="endStrip"/> of
    /// op(B)[p0..p0+depth, j0..j0+cols] into <paramref name="dst"/>: strip s holds columns s·nr..
    /// as depth groups of nr values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, int ldb, int p0, int depth, int j0, int cols, int nr,
        int firstStrip, int endStrip, float* dst)
    {
        for (int s = firstStrip; s < endStrip; s++)
        {
            int c0 = j0 + s * nr, count = Math.Min(nr, cols - s * nr);
            float* d = dst + (long)s * nr * depth;
            if (!transB)
            {
                // op(B)[p, c] = B[p, c]: one strip row is a contiguous run of B.
                for (int p = 0; p < depth; p++)
                {
                    float* src = b + (long)(p0 + p) * ldb + c0;
                    float* to = d + p * nr;
                    if (count == nr) new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(to, nr));
                    else
                    {
                        for (int c = 0; c < count; c++) to[c] = src[c];
                        for (int c = count; c < nr; c++) to[c] = 0f;
                    }
                }
            }
            else
            {
                // op(B)[p, c] = B[c, p]: walk each source row contiguously, write with stride nr.
                for (int c = 0; c < nr; c++)
                {
                    if (c < count)
                    {
                        float* src = b + (long)(c0 + c) * ldb + p0;
                        for (int p = 0; p < depth; p++) d[p * nr + c] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < depth; p++) d[p * nr + c] = 0f;
                    }
                }
            }
        }
    }
}
