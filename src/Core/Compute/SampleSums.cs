using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Compute;

/// <summary>
/// Float64 accumulation of sums over samples: float32 storage keeps memory small, but a float32
/// running sum over millions of samples loses digits (its rounding error grows with N·2⁻²⁴), so
/// sums, sums of squares and means are accumulated in double. The <c>Add…</c> methods add a
/// row-major block (rows = samples) into existing accumulators, so batches can be streamed.
/// </summary>
public static class SampleSums
{
    /// <summary>Σᵢ xᵢ in double.</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        var acc = Vector256<double>.Zero;
        int i = 0;
        ref float start = ref MemoryMarshal.GetReference(x);
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
            acc += lo + hi;
        }
        double sum = Vector256.Sum(acc);
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    /// <summary>Σᵢ xᵢ² in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        var acc = Vector256<double>.Zero;
        int i = 0;
        ref float start = ref MemoryMarshal.GetReference(x);
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
            acc += lo * lo + hi * hi;
        }
        double sum = Vector256.Sum(acc);
        for (; i < x.Length; i++) sum += (double)x[i] * x[i];
        return sum;
    }

    /// <summary>sums[j] += Σᵢ block[i, j] for a rows×cols row-major block.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> block, int rows, int cols, Span<double> sums)
    {
        VectorOps.CheckMatrix(block.Length, rows, cols);
        VectorOps.SameLength(cols, sums.Length, nameof(sums));
        for (int i = 0; i < rows; i++) AddRow(block.Slice(i * cols, cols), sums, squares: false);
    }

    /// <summary>sumsOfSquares[j] += Σᵢ block[i, j]² for a rows×cols row-major block.</summary>
    public static void AddColumnSumsOfSquares(ReadOnlySpan<float> block, int rows, int cols, Span<double> sumsOfSquares)
    {
        VectorOps.CheckMatrix(block.Length, rows, cols);
        VectorOps.SameLength(cols, sumsOfSquares.Length, nameof(sumsOfSquares));
        for (int i = 0; i < rows; i++) AddRow(block.Slice(i * cols, cols), sumsOfSquares, squares: true);
    }

    /// <summary>Column sums and column sums of squares together, in one pass over the block.</summary>
    public static void AddColumnMoments(ReadOnlySpan<float> block, int rows, int cols, Span<double> sums, Span<double> sumsOfSquares)
    {
        VectorOps.CheckMatrix(block.Length, rows, cols);
        VectorOps.SameLength(cols, sums.Length, nameof(sums));
        VectorOps.SameLength(cols, sumsOfSquares.Length, nameof(sumsOfSquares));
        int step = Vector256<float>.Count, half = step / 2;
        ref double s = ref MemoryMarshal.GetReference(sums);
        ref double q = ref MemoryMarshal.GetReference(sumsOfSquares);
        for (int i = 0; i < rows; i++)
        {
            var row = block.Slice(i * cols, cols);
            ref float r = ref MemoryMarshal.GetReference(row);
            int j = 0;
            for (; j + step <= cols; j += step)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
                (Vector256.LoadUnsafe(ref s, (nuint)j) + lo).StoreUnsafe(ref s, (nuint)j);
                (Vector256.LoadUnsafe(ref s, (nuint)(j + half)) + hi).StoreUnsafe(ref s, (nuint)(j + half));
                (Vector256.LoadUnsafe(ref q, (nuint)j) + lo * lo).StoreUnsafe(ref q, (nuint)j);
                (Vector256.LoadUnsafe(ref q, (nuint)(j + half)) + hi * hi).StoreUnsafe(ref q, (nuint)(j + half));
            }
            for (; j < cols; j++)
            {
                double v = row[j];
                sums[j] += v;
                sumsOfSquares[j] += v * v;
            }
        }
    }

    /// <summary>sums[i] += Σⱼ block[i, j] (per-sample totals) for a rows×cols row-major block.</summary>
    public static void AddRowSums(ReadOnlySpan<float> block, int rows, int cols, Span<double> sums)
    {
        VectorOps.CheckMatrix(block.Length, rows, cols);
        VectorOps.SameLength(rows, sums.Length, nameof(sums));
        for (int i = 0; i < rows; i++) sums[i] += Sum(block.Slice(i * cols, cols));
    }

    /// <summary>Column means of a rows×cols block, accumulated in double (NaN for every column when rows = 0).</summary>
    public static double[] ColumnMeans(ReadOnlySpan<float> block, int rows, int cols)
    {
        var sums = new double[cols];
        AddColumnSums(block, rows, cols, sums);
        for (int j = 0; j < cols; j++) sums[j] = rows == 0 ? double.NaN : sums[j] / rows;
        return sums;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ReadOnlySpan<float> row, Span<double> acc, bool squares)
    {
        int j = 0;
        ref float r = ref MemoryMarshal.GetReference(row);
        ref double a = ref MemoryMarshal.GetReference(acc);
        int step = Vector256<float>.Count;
        for (; j + step <= row.Length; j += step)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
            if (squares) { lo *= lo; hi *= hi; }
            (Vector256.LoadUnsafe(ref a, (nuint)j) + lo).StoreUnsafe(ref a, (nuint)j);
            (Vector256.LoadUnsafe(ref a, (nuint)(j + step / 2)) + hi).StoreUnsafe(ref a, (nuint)(j + step / 2));
        }
        for (; j < row.Length; j++) acc[j] += squares ? (double)row[j] * row[j] : row[j];
    }
}
