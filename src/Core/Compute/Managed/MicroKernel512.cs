using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Compute;

// Written out in full (no arrays, no loops over rows) so every accumulator is a separate local the
// JIT keeps in a register: 8 rows × 2 vectors = 16 accumulators, 2 B vectors and a broadcast.

/// <summary>
/// The 8×32 register-blocked micro-kernel on Vector512 (FMA). A is packed as kc columns of
/// 8 values, B as kc rows of 32 values (see <see cref="GemmPacking"/>), so the inner loop reads
/// both sequentially.
/// </summary>
internal static unsafe class MicroKernel512
{
    /// <summary>Rows of C per call.</summary>
    public const int Mr = 8;
    /// <summary>Columns of C per call.</summary>
    public const int Nr = 32;

    /// <summary>C[8×32] ← α·(packed A strip)·(packed B strip) + β·C, β = 0 ignoring C; AVX-512.</summary>
    // Fully optimised from the first call: at Tier 0 the accumulators would live in memory, and a
    // short or busy process may never reach the tier-up (measured 6 vs 57 GFLOP/s at 1024³).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(va * c00, c + 0 * ldc);
            Vector512.Store(va * c01, c + 0 * ldc + 16);
            Vector512.Store(va * c10, c + 1 * ldc);
            Vector512.Store(va * c11, c + 1 * ldc + 16);
            Vector512.Store(va * c20, c + 2 * ldc);
            Vector512.Store(va * c21, c + 2 * ldc + 16);
            Vector512.Store(va * c30, c + 3 * ldc);
            Vector512.Store(va * c31, c + 3 * ldc + 16);
            Vector512.Store(va * c40, c + 4 * ldc);
            Vector512.Store(va * c41, c + 4 * ldc + 16);
            Vector512.Store(va * c50, c + 5 * ldc);
            Vector512.Store(va * c51, c + 5 * ldc + 16);
            Vector512.Store(va * c60, c + 6 * ldc);
            Vector512.Store(va * c61, c + 6 * ldc + 16);
            Vector512.Store(va * c70, c + 7 * ldc);
            Vector512.Store(va * c71, c + 7 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 0 * ldc), va * c00), c + 0 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 0 * ldc + 16), va * c01), c + 0 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 1 * ldc), va * c10), c + 1 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 1 * ldc + 16), va * c11), c + 1 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 2 * ldc), va * c20), c + 2 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 2 * ldc + 16), va * c21), c + 2 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 3 * ldc), va * c30), c + 3 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 3 * ldc + 16), va * c31), c + 3 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 4 * ldc), va * c40), c + 4 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 4 * ldc + 16), va * c41), c + 4 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 5 * ldc), va * c50), c + 5 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 5 * ldc + 16), va * c51), c + 5 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 6 * ldc), va * c60), c + 6 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 6 * ldc + 16), va * c61), c + 6 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 7 * ldc), va * c70), c + 7 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 7 * ldc + 16), va * c71), c + 7 * ldc + 16);
        }
    }
}
