using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Float64 column sums of a dense row-major block (rows × width), added to running sums, with finiteness
/// checked on the way (an error names the source, row and column). The block is cut by rows into pieces of
/// <see cref="PieceRows"/> consecutive rows; each piece is read front to back (sequential pages of a
/// memory-mapped file) and summed row by row into its own float64 partial sums, eight lanes at a time
/// widened to float64; pieces go to threads as they come free, and the partials are added to the running
/// sums in piece order, so the result depends on neither the thread count nor the timing. The plain form
/// is the loop in <see cref="Energy.PerConcept(DenseMatrix)"/> (it differs only in the order of the
/// float64 additions).
/// </summary>
internal static unsafe class ColumnSums
{
    /// <summary>
    /// Rows per piece: a piece of 4,096 floats a row is 4 MiB of the file, long enough for sequential reads
    /// and few enough partial sets (a 64 MB block has 16) to add up quickly.
    /// </summary>
    internal const int PieceRows = 256;

    [ThreadStatic] private static double[]? _partials;

    public static void Add(ReadOnlySpan<float> block, int rows, int width, double[] sums, long firstRow, string source)
        => Add(block, rows, width, sums, firstRow, source, ComputeSettings.Threads);

    /// <summary>As <see cref="Add(ReadOnlySpan{float}, int, int, double[], long, string)"/> on at most <paramref name="threads"/> threads.</summary>
    internal static void Add(ReadOnlySpan<float> block, int rows, int width, double[] sums, long firstRow, string source, int threads)
    {
        if (rows == 0) return;
        if (block.Length < (long)rows * width) throw new ConceptDataException($"{source}: a block of {rows} rows has {block.Length} values, not {rows} × {width}.");
        int pieces = (rows + PieceRows - 1) / PieceRows;
        long need = (long)pieces * width;
        var partials = _partials is { } p0 && p0.Length >= need ? p0 : _partials = new double[need];
        bool bad = false;
        fixed (float* p = block)
        fixed (double* q = partials)
        {
            nint b = (nint)p, s = (nint)q;
            if (pieces == 1) bad = !AddPiece((float*)b, 0, rows, width, (double*)s);
            else
                Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
                {
                    int r0 = i * PieceRows, r1 = Math.Min(rows, r0 + PieceRows);
                    if (!AddPiece((float*)b, r0, r1, width, (double*)s + (long)i * width)) bad = true;
                });
        }
        if (bad)
            for (int i = 0; i < rows * width; i++)
                if (!float.IsFinite(block[i]))
                    throw new ConceptDataException($"{source}: value {block[i]} at row {firstRow + i / width}, column {i % width} is not finite.");
        for (int i = 0; i < pieces; i++)
            System.Numerics.Tensors.TensorPrimitives.Add(sums, partials.AsSpan(i * width, width), sums);
    }

    // Rows [r0, r1) summed into partial (width doubles, overwritten). False when a value is not finite.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AddPiece(float* a, int r0, int r1, int width, double* partial)
    {
        new Span<double>(partial, width).Clear();
        var badBits = Vector256<float>.Zero;
        float badScalar = 0;
        for (int r = r0; r < r1; r++)
        {
            float* row = a + (long)r * width;
            int c = 0;
            for (; c + 8 <= width; c += 8)
            {
                var v = Vector256.Load(row + c);
                badBits |= v - v; // NaN for ±∞ and NaN, 0 otherwise
                var (lo, hi) = Vector256.Widen(v);
                Vector256.Store(Vector256.Load(partial + c) + lo, partial + c);
                Vector256.Store(Vector256.Load(partial + c + 4) + hi, partial + c + 4);
            }
            for (; c < width; c++)
            {
                badScalar += row[c] - row[c];
                partial[c] += row[c];
            }
        }
        return Vector256.EqualsAll(badBits.AsInt32(), Vector256<int>.Zero) && badScalar == 0;
    }
}
