using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Float64 column sums of a dense row-major block (rows × width), added to running sums: columns in
/// stripes across threads, eight lanes at a time widened to float64, finiteness checked on the way
/// (an error names the source, row and column). The plain form is the loop in
/// <see cref="Energy.PerConcept(DenseMatrix)"/>.
/// </summary>
internal static unsafe class ColumnSums
{
    private const int Stripe = 512;

    public static void Add(ReadOnlySpan<float> block, int rows, int width, double[] sums, long firstRow, string source)
    {
        if (rows == 0) return;
        if (block.Length < (long)rows * width) throw new ConceptDataException($"{source}: a block of {rows} rows has {block.Length} values, not {rows} × {width}.");
        bool bad = false;
        fixed (float* p = block)
        {
            nint b = (nint)p;
            Parallel.For(0, (width + Stripe - 1) / Stripe, s =>
            {
                if (!AddStripe((float*)b, rows, width, s * Stripe, Math.Min(width, (s + 1) * Stripe), sums)) bad = true;
            });
        }
        if (!bad) return;
        for (int i = 0; i < rows * width; i++)
            if (!float.IsFinite(block[i]))
                throw new ConceptDataException($"{source}: value {block[i]} at row {firstRow + i / width}, column {i % width} is not finite.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AddStripe(float* a, int rows, int width, int c0, int c1, double[] sums)
    {
        fixed (double* s = sums)
        {
            var badBits = Vector256<float>.Zero;
            float badScalar = 0;
            for (int r = 0; r < rows; r++)
            {
                float* row = a + (long)r * width;
                int c = c0;
                for (; c + 8 <= c1; c += 8)
                {
                    var v = Vector256.Load(row + c);
                    badBits |= v - v; // NaN for ±∞ and NaN, 0 otherwise
                    var (lo, hi) = Vector256.Widen(v);
                    Vector256.Store(Vector256.Load(s + c) + lo, s + c);
                    Vector256.Store(Vector256.Load(s + c + 4) + hi, s + c + 4);
                }
                for (; c < c1; c++)
                {
                    badScalar += row[c] - row[c];
                    s[c] += row[c];
                }
            }
            return Vector256.EqualsAll(badBits.AsInt32(), Vector256<int>.Zero) && badScalar == 0;
        }
    }
}
