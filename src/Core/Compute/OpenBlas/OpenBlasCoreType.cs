using System.Runtime.Intrinsics.X86;

namespace MlNetConcepts.Compute;

/// <summary>Where the OpenBLAS core type in force came from.</summary>
public enum CoreTypeSource
{
    /// <summary>Nothing was set: OpenBLAS detects the CPU itself (may fall back to Prescott on CPUs it does not know).</summary>
    Library,
    /// <summary>The user set <c>OPENBLAS_CORETYPE</c>; it is never overridden.</summary>
    User,
    /// <summary>MlNetConcepts chose a kernel matching the CPU's AVX-512/AVX2 support.</summary>
    Auto,
}

/// <summary>
/// Chooses <c>OPENBLAS_CORETYPE</c> before OpenBLAS loads. Debian's OpenBLAS 0.3.21 does not know
/// some newer CPUs (Sapphire Rapids, recent AMD EPYC) and silently falls back to its SSE3
/// "Prescott" kernels, about 4× slower (DESIGN.md, "Compute"). A value the user set is kept;
/// otherwise AVX-512 gets the SkylakeX kernels and AVX2 the Haswell ones, which run correctly on
/// any CPU with those instruction sets.
/// </summary>
public static class OpenBlasCoreType
{
    /// <summary>The variable OpenBLAS reads when it loads.</summary>
    public const string Variable = "OPENBLAS_CORETYPE";

    /// <summary>
    /// The decision for a given user value and CPU features: the core type to use (null = let
    /// OpenBLAS decide) and where it comes from. Pure, so it can be tested for every case.
    /// </summary>
    public static (string? CoreType, CoreTypeSource Source) Choose(string? userValue, bool avx512F, bool avx2)
    {
        if (!string.IsNullOrWhiteSpace(userValue)) return (userValue.Trim(), CoreTypeSource.User);
        if (avx512F) return ("SkylakeX", CoreTypeSource.Auto);
        if (avx2) return ("Haswell", CoreTypeSource.Auto);
        return (null, CoreTypeSource.Library);
    }

    /// <summary>The decision for the user's value (read before anything was written) on this CPU.</summary>
    public static (string? CoreType, CoreTypeSource Source) ChooseForThisMachine(string? userValue)
        => Choose(userValue, Avx512F.IsSupported, Avx2.IsSupported);
}
