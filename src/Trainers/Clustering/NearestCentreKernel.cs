using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Trainers.Clustering;

// Written out in full (no arrays, no loops over rows) so every accumulator is a separate local the
// JIT keeps in a register: 8 rows × 2 vectors = 16 accumulators, 2 centre vectors and a broadcast
// fit in the 32 AVX-512 registers (the same register blocking as Core's 8×32 GEMM micro-kernel).

/// <summary>
/// Nearest-centre search fused into the distance product: for 8 rows and one strip of 16 or 32
/// packed centres (<see cref="PackedCentres"/>) it accumulates the dot products x·μ over the
/// full depth d in registers (float32 fused multiply-adds in increasing depth order, as a GEMM
/// micro-kernel does), forms ‖μ‖² − 2·x·μ (‖x‖² is the same for every centre of a row and is left
/// out) and updates each row's running minimum and its index. The distance tile never goes to
/// memory, which is what makes this faster than an SGEMM followed by an arg-min pass. Strips are
/// visited in increasing centre order and a later centre replaces the running best only when it
/// is strictly smaller, so ties go to the lower index (as TensorPrimitives.IndexOfMin does).
/// </summary>
internal static unsafe class NearestCentreKernel
{
    /// <summary>Rows per call.</summary>
    public const int Rows = 8;

    /// <summary>True when the kernel runs on real AVX-512 (it is correct, but slow, on emulated vectors).</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Runs strip <paramref name="s"/> of <paramref name="centres"/> against rows x, x + ld, …
    /// (the first <paramref name="valid"/> of 8; the others repeat the last valid row and their
    /// results are ignored), updating best[0..8) and index[0..8). <paramref name="scratch"/> holds
    /// at least 8 × 32 floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, nint ld, int valid, PackedCentres centres, int s, float* best, int* index, float* scratch)
    {
        int width = centres.Width[s], j0 = centres.First[s];
        if (width == PackedCentres.WideStrip) Wide(x, ld, valid, centres.Dimension, centres.Strip(s), centres.Norms + j0, scratch);
        else Narrow(x, ld, valid, centres.Dimension, centres.Strip(s), centres.Norms + j0, scratch);
        for (int r = 0; r < valid; r++) Update(scratch + r * width, width, j0, best + r, index + r);
    }

    /// <summary>dist[r·32 + c] = ‖μ_c‖² − 2·x_r·μ_c for 8 rows × 32 centres.</summary>
    // Fully optimised from the first call: at Tier 0 the accumulators would live in memory. No calls
    // here, so the register allocator has no reason to spill the accumulators inside the loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Wide(float* x, nint ld, int valid, int d, float* b, float* norms, float* dist)
    {
        float* r0 = x + Math.Min(0, valid - 1) * ld;
        float* r1 = x + Math.Min(1, valid - 1) * ld;
        float* r2 = x + Math.Min(2, valid - 1) * ld;
        float* r3 = x + Math.Min(3, valid - 1) * ld;
        float* r4 = x + Math.Min(4, valid - 1) * ld;
        float* r5 = x + Math.Min(5, valid - 1) * ld;
        float* r6 = x + Math.Min(6, valid - 1) * ld;
        float* r7 = x + Math.Min(7, valid - 1) * ld;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < d; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(r0[p]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(r1[p]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(r2[p]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(r3[p]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(r4[p]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(r5[p]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(r6[p]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(r7[p]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            b += 32;
        }
        var n0 = Vector512.Load(norms);
        var n1 = Vector512.Load(norms + 16);
        var m2 = Vector512.Create(-2f);
        Vector512.FusedMultiplyAdd(c00, m2, n0).Store(dist + 0);
        Vector512.FusedMultiplyAdd(c01, m2, n1).Store(dist + 16);
        Vector512.FusedMultiplyAdd(c10, m2, n0).Store(dist + 32);
        Vector512.FusedMultiplyAdd(c11, m2, n1).Store(dist + 48);
        Vector512.FusedMultiplyAdd(c20, m2, n0).Store(dist + 64);
        Vector512.FusedMultiplyAdd(c21, m2, n1).Store(dist + 80);
        Vector512.FusedMultiplyAdd(c30, m2, n0).Store(dist + 96);
        Vector512.FusedMultiplyAdd(c31, m2, n1).Store(dist + 112);
        Vector512.FusedMultiplyAdd(c40, m2, n0).Store(dist + 128);
        Vector512.FusedMultiplyAdd(c41, m2, n1).Store(dist + 144);
        Vector512.FusedMultiplyAdd(c50, m2, n0).Store(dist + 160);
        Vector512.FusedMultiplyAdd(c51, m2, n1).Store(dist + 176);
        Vector512.FusedMultiplyAdd(c60, m2, n0).Store(dist + 192);
        Vector512.FusedMultiplyAdd(c61, m2, n1).Store(dist + 208);
        Vector512.FusedMultiplyAdd(c70, m2, n0).Store(dist + 224);
        Vector512.FusedMultiplyAdd(c71, m2, n1).Store(dist + 240);
    }

    /// <summary>dist[r·16 + c] for 8 rows × 16 centres (a remainder strip).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow(float* x, nint ld, int valid, int d, float* b, float* norms, float* dist)
    {
        float* r0 = x + Math.Min(0, valid - 1) * ld;
        float* r1 = x + Math.Min(1, valid - 1) * ld;
        float* r2 = x + Math.Min(2, valid - 1) * ld;
        float* r3 = x + Math.Min(3, valid - 1) * ld;
        float* r4 = x + Math.Min(4, valid - 1) * ld;
        float* r5 = x + Math.Min(5, valid - 1) * ld;
        float* r6 = x + Math.Min(6, valid - 1) * ld;
        float* r7 = x + Math.Min(7, valid - 1) * ld;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < d; p++)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(r0[p]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(r1[p]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(r2[p]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(r3[p]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(r4[p]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(r5[p]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(r6[p]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(r7[p]), b0, c7);
            b += 16;
        }
        var n0 = Vector512.Load(norms);
        var m2 = Vector512.Create(-2f);
        Vector512.FusedMultiplyAdd(c0, m2, n0).Store(dist + 0);
        Vector512.FusedMultiplyAdd(c1, m2, n0).Store(dist + 16);
        Vector512.FusedMultiplyAdd(c2, m2, n0).Store(dist + 32);
        Vector512.FusedMultiplyAdd(c3, m2, n0).Store(dist + 48);
        Vector512.FusedMultiplyAdd(c4, m2, n0).Store(dist + 64);
        Vector512.FusedMultiplyAdd(c5, m2, n0).Store(dist + 80);
        Vector512.FusedMultiplyAdd(c6, m2, n0).Store(dist + 96);
        Vector512.FusedMultiplyAdd(c7, m2, n0).Store(dist + 112);
    }

    /// <summary>
    /// One row's strip of distances against its running best: a vector test first (most strips
    /// hold nothing nearer), then the first strictly smallest value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* dist, int width, int j0, float* best, int* index)
    {
        float b = *best;
        var current = Vector512.Create(b);
        var below = Vector512.LessThan(Vector512.Load(dist), current);
        if (width == PackedCentres.WideStrip) below |= Vector512.LessThan(Vector512.Load(dist + 16), current);
        if (below.ExtractMostSignificantBits() == 0) return;
        int at = *index;
        for (int j = 0; j < width; j++)
            if (dist[j] < b) { b = dist[j]; at = j0 + j; }
        *best = b;
        *index = at;
    }
}
