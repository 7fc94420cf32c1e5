using System.Runtime.CompilerServices;

namespace MlNetConcepts.Compute;

/// <summary>
/// The 4×4 scalar micro-kernel, for CPUs without AVX2/FMA (and as a third, independent kernel
/// the tests can compare). Same packing contract as the SIMD kernels.
/// </summary>
internal static unsafe class MicroKernelScalar
{
    /// <summary>Rows of C per call.</summary>
    public const int Mr = 4;
    /// <summary>Columns of C per call.</summary>
    public const int Nr = 4;

    /// <summary>C[4×4] ← α·(packed A strip)·(packed B strip) + β·C, β = 0 ignoring C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[Mr * Nr];
        new Span<float>(acc, Mr * Nr).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < Mr; r++)
            {
                float ar = a[r];
                float* row = acc + r * Nr;
                row[0] += ar * b[0];
                row[1] += ar * b[1];
                row[2] += ar * b[2];
                row[3] += ar * b[3];
            }
            a += Mr;
            b += Nr;
        }
        for (int r = 0; r < Mr; r++)
            for (int j = 0; j < Nr; j++)
            {
                float* cij = c + r * ldc + j;
                *cij = beta == 0f ? alpha * acc[r * Nr + j] : alpha * acc[r * Nr + j] + beta * *cij;
            }
    }
}
