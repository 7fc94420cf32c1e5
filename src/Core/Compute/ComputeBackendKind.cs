namespace MlNetConcepts.Compute;

/// <summary>Which GEMM implementation to use.</summary>
public enum ComputeBackendKind
{
    /// <summary>OpenBLAS when it loads and passes its self-check, otherwise managed SIMD.</summary>
    Auto,
    /// <summary>OpenBLAS (<c>libopenblas.so.0</c>); an error when it cannot be loaded.</summary>
    Blas,
    /// <summary>Managed SIMD code (Vector512/Vector256, blocked, multi-threaded).</summary>
    Managed,
    /// <summary>The plain triple loop (for tests and as an oracle).</summary>
    Reference,
}
