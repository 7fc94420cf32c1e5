using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetConcepts.Compute;

/// <summary>Which micro-kernel the managed GEMM runs.</summary>
public enum ManagedGemmKernel
{
    /// <summary>The widest the CPU runs well: Vector512, then Vector256 with FMA, then scalar.</summary>
    Auto,
    /// <summary>8×32 register block on <see cref="Vector512{T}"/> (AVX-512).</summary>
    Vector512,
    /// <summary>6×16 register block on <see cref="Vector256{T}"/> (AVX2 + FMA).</summary>
    Vector256,
    /// <summary>4×4 scalar register block (any CPU).</summary>
    Scalar,
}

/// <summary>A micro-kernel with its register-block shape and cache-block sizes.</summary>
internal sealed unsafe class KernelShape
{
    private KernelShape(ManagedGemmKernel kind, string name, int mr, int nr,
        delegate*<int, float*, float*, float*, nint, float, float, void> run)
    {
        Kind = kind; Name = name; Mr = mr; Nr = nr; Run = run;
        // Cache blocking (Goto & van de Geijn): a kc×nr strip of B stays in L1/L2 while the
        // mc×kc block of A (≈ 384 KiB here) stays in L2 and the kc×nc panel of B in L3. kc = 384
        // measured best among 128…512 on a Zen 5 EPYC (fewer passes over C; see docs/BENCHMARKS.md).
        Kc = 384;
        Mc = 256 / mr * mr;
        Nc = 4096 / nr * nr;
    }

    public ManagedGemmKernel Kind { get; }
    public string Name { get; }
    public int Mr { get; }
    public int Nr { get; }
    public int Kc { get; }
    public int Mc { get; }
    public int Nc { get; }
    public delegate*<int, float*, float*, float*, nint, float, float, void> Run { get; }

    /// <summary>True when this CPU can run the kernel at speed.</summary>
    public static bool IsSupported(ManagedGemmKernel kind) => kind switch
    {
        ManagedGemmKernel.Vector512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        ManagedGemmKernel.Vector256 => Avx2.IsSupported && Fma.IsSupported,
        ManagedGemmKernel.Scalar or ManagedGemmKernel.Auto => true,
        _ => false,
    };

    public static KernelShape For(ManagedGemmKernel kind)
    {
        if (kind == ManagedGemmKernel.Auto)
            kind = IsSupported(ManagedGemmKernel.Vector512) ? ManagedGemmKernel.Vector512
                : IsSupported(ManagedGemmKernel.Vector256) ? ManagedGemmKernel.Vector256
                : ManagedGemmKernel.Scalar;
        if (!IsSupported(kind)) throw new NotSupportedException($"The {kind} GEMM kernel needs CPU features this machine lacks.");
        return kind switch
        {
            ManagedGemmKernel.Vector512 => new(kind, "avx512 8x32", MicroKernel512.Mr, MicroKernel512.Nr, &MicroKernel512.Run),
            ManagedGemmKernel.Vector256 => new(kind, "avx2 6x16", MicroKernel256.Mr, MicroKernel256.Nr, &MicroKernel256.Run),
            _ => new(kind, "scalar 4x4", MicroKernelScalar.Mr, MicroKernelScalar.Nr, &MicroKernelScalar.Run),
        };
    }
}
