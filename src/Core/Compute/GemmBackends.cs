namespace MlNetConcepts.Compute;

/// <summary>Creates the backend for a requested kind.</summary>
internal static class GemmBackends
{
    // Filled in by the compute work: OpenBLAS and managed SIMD backends.
    public static IGemmBackend Create(ComputeBackendKind kind, int threads) => ReferenceGemm.Instance;
}
