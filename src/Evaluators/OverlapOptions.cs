namespace MlNetConcepts.Evaluators;

/// <summary>Settings of <see cref="Overlap"/>.</summary>
public sealed record OverlapOptions
{
    /// <summary>
    /// False (default): eq. 1 of Bíla et al. 2025 as defined, the cosine between the membership
    /// profile c̃_j and the scaled feature profile ã_k. True: the centred variant, the same cosine
    /// after subtracting each profile's mean over samples (Pearson correlation), so a feature
    /// that fires on most samples no longer overlaps every broad cluster.
    /// </summary>
    public bool Centred { get; init; }

    /// <summary>
    /// Rows read per block; null sizes blocks to about 64 MB of float32 (64 to 4096 rows). Only
    /// memory and speed depend on it, not the result.
    /// </summary>
    public int? BlockRows { get; init; }
}
