using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Compute;

// Written out in full (no arrays, no loops over rows) so every accumulator is a separate local the
// JIT keeps in a register: 6 rows × 2 vectors = 12 accumulators, 2 B vectors and a broadcast.

/// <summary>
/// The 6×16 register-blocked micro-kernel on Vector256 (FMA). A is packed as kc columns of
/// 6 values, B as kc rows of 16 values (see <see cref="GemmPacking"/>), so the inner loop reads
/// both sequentially.
/// </summary>
internal static unsafe class MicroKernel256
{
    /// <summary>Rows of C per call.</summary>
    public const int Mr = 6;
    /// <summary>Columns of C per call.</summary>
    public const int Nr = 16;

    /// <summary>C[6×16] ← α·(packed A strip)·(packed B strip) + β·C, β = 0 ignoring C; AVX2 + FMA.</summary>
    // Fully optimised from the first call: at Tier 0 the accumulators would live in memory, and a
    // short or busy process may never reach the tier-up (measured 6 vs 57 GFLOP/s at 1024³).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(va * c00, c + 0 * ldc);
            Vector256.Store(va * c01, c + 0 * ldc + 8);
            Vector256.Store(va * c10, c + 1 * ldc);
            Vector256.Store(va * c11, c + 1 * ldc + 8);
            Vector256.Store(va * c20, c + 2 * ldc);
            Vector256.Store(va * c21, c + 2 * ldc + 8);
            Vector256.Store(va * c30, c + 3 * ldc);
            Vector256.Store(va * c31, c + 3 * ldc + 8);
            Vector256.Store(va * c40, c + 4 * ldc);
            Vector256.Store(va * c41, c + 4 * ldc + 8);
            Vector256.Store(va * c50, c + 5 * ldc);
            Vector256.Store(va * c51, c + 5 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 0 * ldc), va * c00), c + 0 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 0 * ldc + 8), va * c01), c + 0 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 1 * ldc), va * c10), c + 1 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 1 * ldc + 8), va * c11), c + 1 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 2 * ldc), va * c20), c + 2 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 2 * ldc + 8), va * c21), c + 2 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 3 * ldc), va * c30), c + 3 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 3 * ldc + 8), va * c31), c + 3 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 4 * ldc), va * c40), c + 4 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 4 * ldc + 8), va * c41), c + 4 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 5 * ldc), va * c50), c + 5 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 5 * ldc + 8), va * c51), c + 5 * ldc + 8);
        }
    }
}
