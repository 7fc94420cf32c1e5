using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// One column of a sparse-times-dense product, added in float64: v += Σ_i x_i · U[row_i, :] with
/// U a row-major block of unit embeddings (rows × e) and (row_i, x_i) a column's nonzero weights.
/// This is v_k = Σ_n ã_nk ê_n of the MonoSemanticity linear form (Pach et al. 2025, eq. 9) restricted
/// to the samples where neuron k fires, so it costs O(nnz·e) instead of O(N·e).
/// </summary>
internal static unsafe class ColumnGather
{
    /// <summary>
    /// The fast form over columns [0, <paramref name="width"/>) of U's rows (<paramref name="unit"/> and
    /// <paramref name="v"/> point at the slice's first column; <paramref name="stride"/> is U's row length).
    /// Callers cut e into narrow slices and rows into tiles so the slice of U stays in cache while many
    /// columns' entries stream past; each lane keeps a float32 sum in a register (one fused multiply–add
    /// per entry) and adds it, widened, to v once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(float* unit, int stride, int width, int* rowsOf, float* xs, int count, double* v)
    {
        if (count == 0) return;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 8 * Vector512<float>.Count <= width; j += 8 * Vector512<float>.Count) Eight512(unit + j, stride, rowsOf, xs, count, v + j);
            for (; j + 2 * Vector512<float>.Count <= width; j += 2 * Vector512<float>.Count)
            {
                Vector512<float> a0 = default, a1 = default;
                for (int i = 0; i < count; i++)
                {
                    float* p = unit + (long)rowsOf[i] * stride + j;
                    var x = Vector512.Create(xs[i]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), x, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + Vector512<float>.Count), x, a1);
                }
                AddWidened(a0, v + j);
                AddWidened(a1, v + j + Vector512<float>.Count);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 2 * Vector256<float>.Count <= width; j += 2 * Vector256<float>.Count)
            {
                Vector256<float> a0 = default, a1 = default;
                for (int i = 0; i < count; i++)
                {
                    float* p = unit + (long)rowsOf[i] * stride + j;
                    var x = Vector256.Create(xs[i]);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Load(p), x, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Load(p + Vector256<float>.Count), x, a1);
                }
                AddWidened(a0, v + j);
                AddWidened(a1, v + j + Vector256<float>.Count);
            }
            for (; j + Vector256<float>.Count <= width; j += Vector256<float>.Count)
            {
                var acc = Vector256<float>.Zero;
                for (int i = 0; i < count; i++) acc = Vector256.FusedMultiplyAdd(Vector256.Load(unit + (long)rowsOf[i] * stride + j), Vector256.Create(xs[i]), acc);
                AddWidened(acc, v + j);
            }
        }
        for (; j < width; j++)
        {
            float acc = 0;
            for (int i = 0; i < count; i++) acc = MathF.FusedMultiplyAdd(unit[(long)rowsOf[i] * stride + j], xs[i], acc);
            v[j] += acc;
        }
    }

    /// <summary>
    /// The plain reference: the same float32 sum per column in entry order, one element at a time
    /// (fused multiply–add, as the vector lanes do), added to v in float64.
    /// </summary>
    public static void AddReference(float[] unit, int e, ReadOnlySpan<int> rowsOf, ReadOnlySpan<float> xs, double[] v, int vOffset)
    {
        for (int j = 0; j < e; j++)
        {
            float acc = 0;
            for (int i = 0; i < rowsOf.Length; i++) acc = MathF.FusedMultiplyAdd(unit[(long)rowsOf[i] * e + j], xs[i], acc);
            v[vOffset + j] += acc;
        }
    }

    // Eight vectors (128 floats) of the slice in registers: one index load and broadcast per eight FMAs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Eight512(float* unit, int stride, int* rowsOf, float* xs, int count, double* v)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        const int W = 16;
        for (int i = 0; i < count; i++)
        {
            float* p = unit + (long)rowsOf[i] * stride;
            var x = Vector512.Create(xs[i]);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p), x, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + W), x, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 2 * W), x, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 3 * W), x, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 4 * W), x, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 5 * W), x, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 6 * W), x, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 7 * W), x, a7);
        }
        AddWidened(a0, v); AddWidened(a1, v + W); AddWidened(a2, v + 2 * W); AddWidened(a3, v + 3 * W);
        AddWidened(a4, v + 4 * W); AddWidened(a5, v + 5 * W); AddWidened(a6, v + 6 * W); AddWidened(a7, v + 7 * W);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(Vector512<float> s, double* v)
    {
        var (lo, hi) = Vector512.Widen(s);
        Vector512.Store(Vector512.Load(v) + lo, v);
        Vector512.Store(Vector512.Load(v + 8) + hi, v + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(Vector256<float> s, double* v)
    {
        var (lo, hi) = Vector256.Widen(s);
        Vector256.Store(Vector256.Load(v) + lo, v);
        Vector256.Store(Vector256.Load(v + 4) + hi, v + 4);
    }
}
