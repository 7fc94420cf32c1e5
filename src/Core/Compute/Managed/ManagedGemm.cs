using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetConcepts.Compute;

/// <summary>
/// Blocked, packed SGEMM in managed code (the Goto/BLIS loop nest): for each nc-wide panel of
/// op(B) and each kc-deep slice, the slice of B is packed once (shared by all threads), then
/// blocks of mc rows of op(A) are packed and multiplied by register-blocked micro-kernels
/// (<see cref="ManagedGemmKernel"/>) in parallel. Accumulation is in float32, as in BLAS.
/// </summary>
public sealed unsafe class ManagedGemm : IGemmBackend
{
    private readonly KernelShape _kernel;

    /// <summary>Creates the backend with <paramref name="threads"/> workers and the given micro-kernel.</summary>
    /// <exception cref="NotSupportedException">The requested kernel needs CPU features this machine lacks.</exception>
    public ManagedGemm(int threads, ManagedGemmKernel kernel = ManagedGemmKernel.Auto)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "At least one thread is needed.");
        Threads = threads;
        _kernel = KernelShape.For(kernel);
    }

    /// <summary>True when this CPU can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(ManagedGemmKernel kernel) => KernelShape.IsSupported(kernel);

    /// <summary>Worker count.</summary>
    public int Threads { get; }

    /// <summary>The micro-kernel in use (never <see cref="ManagedGemmKernel.Auto"/>).</summary>
    public ManagedGemmKernel Kernel => _kernel.Kind;

    /// <summary>When false, even tiny products go through the packed path (tests use this to cover it at small sizes).</summary>
    public bool UseSmallPath { get; init; } = true;

    /// <inheritdoc />
    public string Name => $"managed ({_kernel.Name}, {Threads} thread{(Threads == 1 ? "" : "s")})";

    /// <inheritdoc />
    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (GemmBeta.IsTrivial(m, n, k, alpha)) { GemmBeta.Scale(m, n, beta, c, ldc); return; }
        if (UseSmallPath && SmallGemm.Applies(m, n, k))
        {
            SmallGemm.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
            Blocked(new Call(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc));
    }

    /// <summary>One GEMM call's arguments, as raw pointers the parallel workers can share.</summary>
    private readonly struct Call(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        public bool TransA { get; } = transA;
        public bool TransB { get; } = transB;
        public int M { get; } = m;
        public int N { get; } = n;
        public int K { get; } = k;
        public float Alpha { get; } = alpha;
        public float* A { get; } = a;
        public int Lda { get; } = lda;
        public float* B { get; } = b;
        public int Ldb { get; } = ldb;
        public float Beta { get; } = beta;
        public float* C { get; } = c;
        public int Ldc { get; } = ldc;
    }

    private void Blocked(Call call)
    {
        var kr = _kernel;
        int kcMax = Math.Min(kr.Kc, call.K), ncMax = Math.Min(kr.Nc, RoundUp(call.N, kr.Nr));
        float* packedB = (float*)NativeMemory.AlignedAlloc((nuint)((long)kcMax * ncMax * sizeof(float)), 64);
        try
        {
            for (int jc = 0; jc < call.N; jc += kr.Nc)
            {
                int nb = Math.Min(kr.Nc, call.N - jc);
                int strips = (nb + kr.Nr - 1) / kr.Nr;
                for (int pc = 0; pc < call.K; pc += kr.Kc)
                {
                    int kb = Math.Min(kr.Kc, call.K - pc);
                    // The first k-slice applies the caller's β; later slices add to what is there.
                    float beta = pc == 0 ? call.Beta : 1f;
                    PackBParallel(call, pc, kb, jc, nb, strips, packedB);
                    MultiplyPanel(call, pc, kb, jc, nb, strips, beta, packedB);
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packedB);
        }
    }

    private void PackBParallel(Call call, int pc, int kb, int jc, int nb, int strips, float* packedB)
    {
        int nr = _kernel.Nr;
        int parts = Math.Min(Threads, strips);
        if (parts <= 1)
        {
            GemmPacking.PackB(call.TransB, call.B, call.Ldb, pc, kb, jc, nb, nr, 0, strips, packedB);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, part =>
            GemmPacking.PackB(call.TransB, call.B, call.Ldb, pc, kb, jc, nb, nr,
                strips * part / parts, strips * (part + 1) / parts, packedB));
    }

    private void MultiplyPanel(Call call, int pc, int kb, int jc, int nb, int strips, float beta, float* packedB)
    {
        var kr = _kernel;
        int mBlocks = (call.M + kr.Mc - 1) / kr.Mc;
        // With few row blocks, also split the panel's columns so every thread gets work.
        int nChunks = Threads == 1 ? 1 : Math.Clamp((2 * Threads + mBlocks - 1) / mBlocks, 1, strips);
        int tasks = mBlocks * nChunks;
        long aFloats = (long)kr.Mc * kb + kr.Mr * kr.Nr;

        if (Threads == 1 || tasks == 1)
        {
            float* work = (float*)NativeMemory.AlignedAlloc((nuint)(aFloats * sizeof(float)), 64);
            try
            {
                for (int t = 0; t < tasks; t++) Task(call, pc, kb, jc, nb, strips, beta, packedB, t, nChunks, work);
            }
            finally { NativeMemory.AlignedFree(work); }
            return;
        }

        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = Threads },
            () => (nint)NativeMemory.AlignedAlloc((nuint)(aFloats * sizeof(float)), 64),
            (t, _, work) => { Task(call, pc, kb, jc, nb, strips, beta, packedB, t, nChunks, (float*)work); return work; },
            work => NativeMemory.AlignedFree((void*)work));
    }

    /// <summary>Packs one mc-row block of op(A) and multiplies it by one chunk of the packed B panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call (see the micro-kernels)
    private void Task(Call call, int pc, int kb, int jc, int nb, int strips, float beta, float* packedB,
        int task, int nChunks, float* work)
    {
        var kr = _kernel;
        int mr = kr.Mr, nr = kr.Nr;
        int ib = task / nChunks, chunk = task % nChunks;
        int i0 = ib * kr.Mc, rows = Math.Min(kr.Mc, call.M - i0);
        int s0 = strips * chunk / nChunks, s1 = strips * (chunk + 1) / nChunks;
        float* packedA = work;
        float* tile = work + (long)kr.Mc * kb;
        GemmPacking.PackA(call.TransA, call.A, call.Lda, i0, rows, pc, kb, mr, packedA);

        var run = kr.Run;
        for (int s = s0; s < s1; s++)
        {
            int j = jc + s * nr, cols = Math.Min(nr, jc + nb - j);
            float* pb = packedB + (long)s * nr * kb;
            for (int r = 0; r < rows; r += mr)
            {
                int height = Math.Min(mr, rows - r);
                float* pa = packedA + (long)r * kb;
                float* c = call.C + (long)(i0 + r) * call.Ldc + j;
                if (height == mr && cols == nr)
                {
                    run(kb, pa, pb, c, call.Ldc, call.Alpha, beta);
                    continue;
                }
                // Edge tile: compute the full padded block aside, then merge the valid part.
                run(kb, pa, pb, tile, nr, 1f, 0f);
                for (int ii = 0; ii < height; ii++)
                    for (int jj = 0; jj < cols; jj++)
                    {
                        float* cij = c + (long)ii * call.Ldc + jj;
                        float v = call.Alpha * tile[ii * nr + jj];
                        *cij = beta == 0f ? v : v + beta * *cij;
                    }
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
