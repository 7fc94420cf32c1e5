namespace MlNetConcepts.Compute;

/// <summary>Creates the backend for a requested kind.</summary>
internal static class GemmBackends
{
    private static int _fallbackReported;

    /// <summary>
    /// Auto: OpenBLAS when it loads and passes its self-check, otherwise managed SIMD (a failed
    /// self-check is reported once on stderr). Blas: OpenBLAS or a <see cref="ConceptDataException"/>
    /// saying how to install it. Managed and Reference: as named.
    /// </summary>
    public static IGemmBackend Create(ComputeBackendKind kind, int threads) => kind switch
    {
        ComputeBackendKind.Reference => ReferenceGemm.Instance,
        ComputeBackendKind.Managed => new ManagedGemm(threads),
        ComputeBackendKind.Blas => CreateBlas(threads),
        _ => CreateAuto(threads),
    };

    private static IGemmBackend CreateBlas(int threads)
    {
        if (!OpenBlasLibrary.IsAvailable) throw new ConceptDataException(OpenBlasLibrary.LoadError!);
        if (OpenBlasGemm.SelfCheckError is string error) throw new ConceptDataException(error);
        return new OpenBlasGemm(threads);
    }

    private static IGemmBackend CreateAuto(int threads)
    {
        if (OpenBlasLibrary.IsAvailable)
        {
            if (OpenBlasGemm.SelfCheckError is not string error) return new OpenBlasGemm(threads);
            if (Interlocked.Exchange(ref _fallbackReported, 1) == 0)
                Console.Error.WriteLine($"warning: {error} Using the managed SIMD GEMM instead.");
        }
        return new ManagedGemm(threads);
    }
}
