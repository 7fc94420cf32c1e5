using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>Which register kernels <see cref="TiledSparseProducts"/> runs on full 64-column tiles.</summary>
internal enum TileIsa
{
    /// <summary>The widest the machine accelerates.</summary>
    Auto,
    /// <summary>512-bit registers: decoding keeps two entries in flight over a 64-column tile, the column products one entry over 128 columns.</summary>
    Vector512,
    /// <summary>Eight 256-bit accumulators, one entry at a time.</summary>
    Vector256,
    /// <summary>Span loops (TensorPrimitives), as on ragged tiles.</summary>
    Portable,
}

/// <summary>
/// The register kernels behind <see cref="TiledSparseProducts"/>: a tile of an output row lives in registers
/// while the entries of one row (decode) or one column (the column products) stream past, each entry reading
/// a row of a packed tile. Why two entries in flight when decoding with 512-bit vectors: a 64-float tile is
/// only four zmm registers, and one fused multiply-add chain per register would wait on the FMA latency (four
/// cycles) every entry; two entries into separate accumulators, added at the end, keep both FMA units busy.
/// The column products use 128-float tiles instead (eight chains, and half the horizontal sums of their dots). The order of additions is fixed by the entry order, so results do not depend on threads.
/// All kernels are optimised from the first call: a step calls each only a few times, and tiered compilation
/// would run early steps through unoptimised code.
/// </summary>
internal static class TileKernels
{
    /// <summary>Columns per tile.</summary>
    public const int Tile = 64;

    /// <summary>The kernel set to run for <paramref name="isa"/> (Auto resolved to the widest accelerated one).</summary>
    public static TileIsa Resolve(TileIsa isa) => isa switch
    {
        TileIsa.Auto when Vector512.IsHardwareAccelerated => TileIsa.Vector512,
        TileIsa.Auto when Vector256.IsHardwareAccelerated => TileIsa.Vector256,
        TileIsa.Auto => TileIsa.Portable,
        TileIsa.Vector512 when !Vector512.IsHardwareAccelerated => TileIsa.Portable,
        TileIsa.Vector256 when !Vector256.IsHardwareAccelerated => TileIsa.Portable,
        _ => isa,
    };

    /// <summary>o = start + Σ_{e in [from, to)} value[e]·packed[index[e]] (start = <paramref name="start"/>'s tile, or 0 when it is a null ref).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode512(int[] index, float[] value, int from, int to, ref float packed, ref float start, bool hasStart, ref float o)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        if (hasStart)
        {
            a0 = Vector512.LoadUnsafe(ref start, 0); a1 = Vector512.LoadUnsafe(ref start, 16);
            a2 = Vector512.LoadUnsafe(ref start, 32); a3 = Vector512.LoadUnsafe(ref start, 48);
        }
        AddEntries512(index, value, from, to, ref packed, Tile, ref a0, ref a1, ref a2, ref a3);
        a0.StoreUnsafe(ref o, 0); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
    }

    /// <summary>
    /// a += Σ_{e in [from, to)} value[e]·W[index[e]] over a 64-float tile (W's rows <paramref name="stride"/> floats apart): even
    /// entries into a, odd ones into a second set of accumulators added to a at the end, so two FMA chains are in flight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddEntries512(int[] index, float[] value, int from, int to, ref float w, nint stride,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3)
    {
        Vector512<float> c0 = a0, c1 = a1, c2 = a2, c3 = a3, b0 = default, b1 = default, b2 = default, b3 = default;
        int e = from;
        for (; e + 1 < to; e += 2)
        {
            var u = Vector512.Create(value[e]);
            var v = Vector512.Create(value[e + 1]);
            ref float p = ref Unsafe.Add(ref w, index[e] * stride);
            ref float q = ref Unsafe.Add(ref w, index[e + 1] * stride);
            c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 0), u, c0);
            b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref q, 0), v, b0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 16), u, c1);
            b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref q, 16), v, b1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 32), u, c2);
            b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref q, 32), v, b2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 48), u, c3);
            b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref q, 48), v, b3);
        }
        if (e < to)
        {
            var u = Vector512.Create(value[e]);
            ref float p = ref Unsafe.Add(ref w, index[e] * stride);
            c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 0), u, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 16), u, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 32), u, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 48), u, c3);
        }
        a0 = c0 + b0; a1 = c1 + b1; a2 = c2 + b2; a3 = c3 + b3;
    }

    /// <summary>
    /// The residual tile o = bias − target + Σ_{e in [from, to)} value[e]·W[index[e]] (W's rows <paramref name="stride"/> floats apart, the
    /// entries added as <see cref="Decode512"/> adds them), then, while those rows are still in L1, dots[e] += o·W[index[e]] over the
    /// tile for each entry; returns the tile's Σ o² (its share of the row's squared error).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DecodeDots512(int[] index, float[] value, int from, int to, ref float w, int stride, ref float bias, ref float target,
        ref float o, float[] dots)
    {
        var a0 = Vector512.LoadUnsafe(ref bias, 0) - Vector512.LoadUnsafe(ref target, 0);
        var a1 = Vector512.LoadUnsafe(ref bias, 16) - Vector512.LoadUnsafe(ref target, 16);
        var a2 = Vector512.LoadUnsafe(ref bias, 32) - Vector512.LoadUnsafe(ref target, 32);
        var a3 = Vector512.LoadUnsafe(ref bias, 48) - Vector512.LoadUnsafe(ref target, 48);
        AddEntries512(index, value, from, to, ref w, stride, ref a0, ref a1, ref a2, ref a3);
        a0.StoreUnsafe(ref o, 0); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
        for (int e = from; e < to; e++)
        {
            ref float p = ref Unsafe.Add(ref w, (nint)index[e] * stride);
            var x = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 16), a1, Vector512.LoadUnsafe(ref p, 0) * a0);
            var y = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 48), a3, Vector512.LoadUnsafe(ref p, 32) * a2);
            dots[e] += Vector512.Sum(x + y);
        }
        var squares = Vector512.FusedMultiplyAdd(a1, a1, a0 * a0) + Vector512.FusedMultiplyAdd(a3, a3, a2 * a2);
        return Vector512.Sum(squares);
    }

    /// <summary>Columns per tile of the column products: A's packed rows are gathered at random, so a wider tile spends its
    /// per-entry work (index, weight, address, and the horizontal sum of a dot) on twice the columns.</summary>
    public const int WideTile = 128;

    /// <summary>o += Σ_{c in [from, to)} weight[c]·packed[row[c] − rowOffset] over a <see cref="WideTile"/>-float tile (eight
    /// 512-bit accumulators, one entry at a time); when <paramref name="withDots"/>, also dots[c] += packed[row[c] − rowOffset]·w
    /// (w the tile at <paramref name="w"/>, held in eight more registers) for every c, from the same loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AxpyWide512(int[] row, int rowOffset, float[] weight, int from, int to, ref float packed, ref float o,
        bool withDots, ref float w, float[] dots)
    {
        var a0 = Vector512.LoadUnsafe(ref o, 0); var a1 = Vector512.LoadUnsafe(ref o, 16);
        var a2 = Vector512.LoadUnsafe(ref o, 32); var a3 = Vector512.LoadUnsafe(ref o, 48);
        var a4 = Vector512.LoadUnsafe(ref o, 64); var a5 = Vector512.LoadUnsafe(ref o, 80);
        var a6 = Vector512.LoadUnsafe(ref o, 96); var a7 = Vector512.LoadUnsafe(ref o, 112);
        ref float src = ref packed;
        if (!withDots)
        {
            for (int c = from; c < to; c++)
            {
                var u = Vector512.Create(weight[c]);
                ref float p = ref Unsafe.Add(ref src, (row[c] - rowOffset) * WideTile);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 0), u, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 16), u, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 32), u, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 48), u, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 64), u, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 80), u, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 96), u, a6);
                a7 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, 112), u, a7);
            }
        }
        else
        {
            var w0 = Vector512.LoadUnsafe(ref w, 0); var w1 = Vector512.LoadUnsafe(ref w, 16);
            var w2 = Vector512.LoadUnsafe(ref w, 32); var w3 = Vector512.LoadUnsafe(ref w, 48);
            var w4 = Vector512.LoadUnsafe(ref w, 64); var w5 = Vector512.LoadUnsafe(ref w, 80);
            var w6 = Vector512.LoadUnsafe(ref w, 96); var w7 = Vector512.LoadUnsafe(ref w, 112);
            for (int c = from; c < to; c++)
            {
                var u = Vector512.Create(weight[c]);
                ref float p = ref Unsafe.Add(ref src, (row[c] - rowOffset) * WideTile);
                var p0 = Vector512.LoadUnsafe(ref p, 0); var p1 = Vector512.LoadUnsafe(ref p, 16);
                var p2 = Vector512.LoadUnsafe(ref p, 32); var p3 = Vector512.LoadUnsafe(ref p, 48);
                var p4 = Vector512.LoadUnsafe(ref p, 64); var p5 = Vector512.LoadUnsafe(ref p, 80);
                var p6 = Vector512.LoadUnsafe(ref p, 96); var p7 = Vector512.LoadUnsafe(ref p, 112);
                a0 = Vector512.FusedMultiplyAdd(p0, u, a0); a1 = Vector512.FusedMultiplyAdd(p1, u, a1);
                a2 = Vector512.FusedMultiplyAdd(p2, u, a2); a3 = Vector512.FusedMultiplyAdd(p3, u, a3);
                a4 = Vector512.FusedMultiplyAdd(p4, u, a4); a5 = Vector512.FusedMultiplyAdd(p5, u, a5);
                a6 = Vector512.FusedMultiplyAdd(p6, u, a6); a7 = Vector512.FusedMultiplyAdd(p7, u, a7);
                var x = Vector512.FusedMultiplyAdd(p2, w2, p0 * w0);
                var y = Vector512.FusedMultiplyAdd(p3, w3, p1 * w1);
                x = Vector512.FusedMultiplyAdd(p4, w4, x);
                y = Vector512.FusedMultiplyAdd(p5, w5, y);
                x = Vector512.FusedMultiplyAdd(p6, w6, x);
                y = Vector512.FusedMultiplyAdd(p7, w7, y);
                dots[c] += Vector512.Sum(x + y);
            }
        }
        a0.StoreUnsafe(ref o, 0); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
        a4.StoreUnsafe(ref o, 64); a5.StoreUnsafe(ref o, 80); a6.StoreUnsafe(ref o, 96); a7.StoreUnsafe(ref o, 112);
    }

    /// <summary>The 256-bit form of <see cref="Decode512"/>: the tile starts as <paramref name="start"/>'s (or 0), then
    /// <see cref="Axpy256"/> adds the entries one at a time in entry order, the sum the 256-bit decode needs.</summary>
    public static void Decode256(int[] index, float[] value, int from, int to, ref float packed, ref float start, bool hasStart, ref float o)
    {
        var tile = MemoryMarshal.CreateSpan(ref o, Tile);
        if (hasStart) MemoryMarshal.CreateReadOnlySpan(ref start, Tile).CopyTo(tile);
        else tile.Clear();
        Axpy256(index, 0, Tile, value, from, to, ref packed, ref o);
    }

    /// <summary>The 256-bit form of <see cref="AxpyWide512"/> on 64 columns of packed rows <paramref name="stride"/> floats apart, without the dots
    /// (sixteen registers hold no more; <see cref="Dots256"/> does them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy256(int[] row, int rowOffset, int stride, float[] weight, int from, int to, ref float packed, ref float o)
    {
        var s0 = Vector256.LoadUnsafe(ref o, 0); var s1 = Vector256.LoadUnsafe(ref o, 8);
        var s2 = Vector256.LoadUnsafe(ref o, 16); var s3 = Vector256.LoadUnsafe(ref o, 24);
        var s4 = Vector256.LoadUnsafe(ref o, 32); var s5 = Vector256.LoadUnsafe(ref o, 40);
        var s6 = Vector256.LoadUnsafe(ref o, 48); var s7 = Vector256.LoadUnsafe(ref o, 56);
        ref float ar = ref packed;
        for (int c = from; c < to; c++)
        {
            var v = Vector256.Create(weight[c]);
            ref float r = ref Unsafe.Add(ref ar, (row[c] - rowOffset) * stride);
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 0), v, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 8), v, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 16), v, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 24), v, s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 32), v, s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 40), v, s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 48), v, s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, 56), v, s7);
        }
        s0.StoreUnsafe(ref o, 0); s1.StoreUnsafe(ref o, 8); s2.StoreUnsafe(ref o, 16); s3.StoreUnsafe(ref o, 24);
        s4.StoreUnsafe(ref o, 32); s5.StoreUnsafe(ref o, 40); s6.StoreUnsafe(ref o, 48); s7.StoreUnsafe(ref o, 56);
    }

    /// <summary>dots[c] += packed[row[c] − rowOffset]·w for c in [from, to) (w 64 floats held in registers; packed rows <paramref name="stride"/> floats apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dots256(int[] row, int rowOffset, int stride, int from, int to, ref float packed, ref float w, float[] dots)
    {
        var w0 = Vector256.LoadUnsafe(ref w, 0); var w1 = Vector256.LoadUnsafe(ref w, 8);
        var w2 = Vector256.LoadUnsafe(ref w, 16); var w3 = Vector256.LoadUnsafe(ref w, 24);
        var w4 = Vector256.LoadUnsafe(ref w, 32); var w5 = Vector256.LoadUnsafe(ref w, 40);
        var w6 = Vector256.LoadUnsafe(ref w, 48); var w7 = Vector256.LoadUnsafe(ref w, 56);
        ref float ar = ref packed;
        for (int c = from; c < to; c++)
        {
            ref float r = ref Unsafe.Add(ref ar, (row[c] - rowOffset) * stride);
            var p = w0 * Vector256.LoadUnsafe(ref r, 0);
            var q = w1 * Vector256.LoadUnsafe(ref r, 8);
            p = Vector256.FusedMultiplyAdd(w2, Vector256.LoadUnsafe(ref r, 16), p);
            q = Vector256.FusedMultiplyAdd(w3, Vector256.LoadUnsafe(ref r, 24), q);
            p = Vector256.FusedMultiplyAdd(w4, Vector256.LoadUnsafe(ref r, 32), p);
            q = Vector256.FusedMultiplyAdd(w5, Vector256.LoadUnsafe(ref r, 40), q);
            p = Vector256.FusedMultiplyAdd(w6, Vector256.LoadUnsafe(ref r, 48), p);
            q = Vector256.FusedMultiplyAdd(w7, Vector256.LoadUnsafe(ref r, 56), q);
            dots[c] += Vector256.Sum(p + q);
        }
    }
}
