using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Unit-norm copies of a block of rows (rows × width) into a buffer kept between blocks, rows spread
/// over threads; norms in float64. A non-finite value or an all-zero row (its cosine is undefined) is
/// an error naming the source and the row. The plain form is <see cref="UnitRows.UnitBlock"/>. <see cref="InverseNorms"/>
/// gives only the factors, for callers that scale a product of the raw rows.
/// </summary>
internal sealed unsafe class UnitRowBuffer(int width)
{
    private float[] _unit = [];
    private double[] _norm2 = [];
    private float[] _inverse = [];

    /// <summary>The unit rows of the block (valid until the next call).</summary>
    public ReadOnlySpan<float> Normalise(ReadOnlySpan<float> block, int rows, long firstRow, string source)
    {
        int e = width;
        Check(block, rows, source);
        if (_unit.Length < rows * e) _unit = new float[rows * e];
        var unit = _unit;
        var norm2 = _norm2;
        fixed (float* pe = block)
        {
            nint b = (nint)pe;
            Parallel.For(0, (rows + 63) / 64, chunk =>
            {
                fixed (float* pu = unit)
                    for (int r = chunk * 64; r < Math.Min(rows, chunk * 64 + 64); r++)
                        norm2[r] = UnitRow((float*)b + (long)r * e, pu + (long)r * e, e);
            });
        }
        ThrowOnBadRows(block, rows, firstRow, source);
        return unit.AsSpan(0, rows * e);
    }

    /// <summary>
    /// 1/‖x‖ of each row of the block in float32, the factor <see cref="Normalise"/> multiplies by (valid until the
    /// next call), with the same checks; for callers that scale a product of the raw rows instead of copying them.
    /// </summary>
    public ReadOnlySpan<float> InverseNorms(ReadOnlySpan<float> block, int rows, long firstRow, string source)
    {
        int e = width;
        Check(block, rows, source);
        if (_inverse.Length < rows) _inverse = new float[rows];
        var norm2 = _norm2;
        fixed (float* pe = block)
        {
            nint b = (nint)pe;
            Parallel.For(0, (rows + 63) / 64, chunk =>
            {
                for (int r = chunk * 64; r < Math.Min(rows, chunk * 64 + 64); r++)
                    norm2[r] = SquaredNorm((float*)b + (long)r * e, e);
            });
        }
        ThrowOnBadRows(block, rows, firstRow, source);
        for (int r = 0; r < rows; r++) _inverse[r] = (float)(1 / Math.Sqrt(norm2[r]));
        return _inverse.AsSpan(0, rows);
    }

    private void Check(ReadOnlySpan<float> block, int rows, string source)
    {
        if (block.Length < (long)rows * width) throw new ConceptDataException($"{source}: a block of {rows} rows has {block.Length} values, not {rows} × {width}.");
        if (_norm2.Length < rows) _norm2 = new double[rows];
    }

    // A non-finite value, then an all-zero row, named by source and row (the squared norms are in _norm2).
    private void ThrowOnBadRows(ReadOnlySpan<float> block, int rows, long firstRow, string source)
    {
        int e = width;
        for (int r = 0; r < rows; r++)
            if (!double.IsFinite(_norm2[r]))
            {
                var row = block.Slice(r * e, e);
                for (int i = 0; i < e; i++)
                    if (!float.IsFinite(row[i])) throw new ConceptDataException($"{source}: value {row[i]} at row {firstRow + r}, column {i} is not finite.");
            }
        for (int r = 0; r < rows; r++)
            if (_norm2[r] == 0) throw new ConceptDataException($"{source}: row {firstRow + r} is all zeros, so its cosine similarity is undefined.");
    }

    // ‖x‖² in float64.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SquaredNorm(float* x, int e)
    {
        var acc = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= e; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(x + i));
            acc = Vector256.FusedMultiplyAdd(lo, lo, Vector256.FusedMultiplyAdd(hi, hi, acc));
        }
        double s = Vector256.Sum(acc);
        for (; i < e; i++) s += (double)x[i] * x[i];
        return s;
    }

    // ‖x‖² in float64, and x/‖x‖ into unit when that is finite and positive.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double UnitRow(float* x, float* unit, int e)
    {
        double s = SquaredNorm(x, e);
        if (!(s > 0) || !double.IsFinite(s)) return s;
        float inv = (float)(1 / Math.Sqrt(s));
        var vi = Vector256.Create(inv);
        int i;
        for (i = 0; i + 8 <= e; i += 8) Vector256.Store(Vector256.Load(x + i) * vi, unit + i);
        for (; i < e; i++) unit[i] = x[i] * inv;
        return s;
    }
}
