using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Squared Euclidean distances between a block of rows and a set of centres. The fast path
/// expands ‖x − μ‖² = ‖x‖² − 2·x·μ + ‖μ‖² so the cross term is one SGEMM (the trick every
/// k-means implementation uses); <see cref="Reference"/> is the plain double-precision loop
/// the tests compare it with.
/// </summary>
internal static class SquaredDistances
{
    /// <summary>‖x_i‖² of every row, accumulated in double.</summary>
    public static float[] RowNorms(ReadOnlySpan<float> x, int rows, int d)
    {
        var norms = new float[rows];
        RowNormsInto(x, rows, d, norms);
        return norms;
    }

    /// <summary>‖x_i‖² of every row into <paramref name="norms"/>, accumulated in double.</summary>
    public static void RowNormsInto(ReadOnlySpan<float> x, int rows, int d, Span<float> norms)
    {
        for (int i = 0; i < rows; i++) norms[i] = (float)SquaredNorm(x.Slice(i * d, d));
    }

    /// <summary>‖v‖² accumulated in double.</summary>
    public static double SquaredNorm(ReadOnlySpan<float> v)
    {
        return SampleSums.SumOfSquares(v);
    }

    /// <summary>
    /// dist[i·k + j] = max(0, ‖x_i‖² + ‖c_j‖² − 2·x_i·c_j) for a block of <paramref name="rows"/> rows
    /// against <paramref name="k"/> centres (both row-major with width <paramref name="d"/>).
    /// Negative values can only come from rounding, hence the clamp.
    /// </summary>
    public static void Gemm(ReadOnlySpan<float> x, ReadOnlySpan<float> xNorms, int rows,
        ReadOnlySpan<float> c, ReadOnlySpan<float> cNorms, int k, int d, Span<float> dist)
    {
        Compute.Gemm.MatMulTransB(x.Slice(0, rows * d), c.Slice(0, k * d), dist.Slice(0, rows * k), rows, d, k);
        for (int i = 0; i < rows; i++)
        {
            var row = dist.Slice(i * k, k);
            float xn = xNorms[i];
            for (int j = 0; j < k; j++)
            {
                float v = xn + cNorms[j] - 2f * row[j];
                row[j] = v > 0f ? v : 0f;
            }
        }
    }

    /// <summary>The same distances by direct subtraction in double: the reference for <see cref="Gemm"/>.</summary>
    public static void Reference(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> c, int k, int d, Span<float> dist)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < k; j++)
                dist[i * k + j] = (float)Between(x.Slice(i * d, d), c.Slice(j * d, d));
    }

    /// <summary>
    /// ‖a − b‖² in double, eight columns at a time (four double lanes per half, summed at the end):
    /// the same terms as <see cref="Between"/> added in a different order.
    /// </summary>
    public static double BetweenSimd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        var acc = Vector256<double>.Zero;
        int t = 0;
        for (; t + Vector256<float>.Count <= a.Length; t += Vector256<float>.Count)
        {
            var (alo, ahi) = Vector256.Widen(Vector256.LoadUnsafe(ref pa, (nuint)t));
            var (blo, bhi) = Vector256.Widen(Vector256.LoadUnsafe(ref pb, (nuint)t));
            var lo = alo - blo;
            var hi = ahi - bhi;
            acc += lo * lo + hi * hi;
        }
        double s = Vector256.Sum(acc);
        for (; t < a.Length; t++)
        {
            double diff = (double)a[t] - b[t];
            s += diff * diff;
        }
        return s;
    }

    /// <summary>‖a − b‖² in double.</summary>
    public static double Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int t = 0; t < a.Length; t++)
        {
            double diff = (double)a[t] - b[t];
            s += diff * diff;
        }
        return s;
    }
}
