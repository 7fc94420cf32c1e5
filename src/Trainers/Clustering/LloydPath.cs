namespace MlNetConcepts.Trainers.Clustering;

/// <summary>How Lloyd's assignment step finds the nearest centres.</summary>
internal enum LloydPath
{
    /// <summary>
    /// <see cref="Fused"/> when AVX-512 is available and the compute backend is auto or managed;
    /// otherwise <see cref="Blocked"/> (so an explicit BLAS or reference backend is honoured).
    /// </summary>
    Auto,
    /// <summary>Chunked search with the distance product and arg-min fused in registers (<see cref="FusedAssignment"/>).</summary>
    Fused,
    /// <summary>One SGEMM per block of rows through the compute backend, then a SIMD arg-min pass.</summary>
    Blocked,
    /// <summary>Distances by direct subtraction in double and a plain arg-min: the oracle for the others.</summary>
    Reference,
}
