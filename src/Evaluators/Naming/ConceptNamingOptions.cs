namespace MlNetConcepts.Evaluators.Naming;

/// <summary>Settings of <see cref="ConceptNaming"/>.</summary>
public sealed record ConceptNamingOptions
{
    /// <summary>Top activating rows per modality whose mean embedding stands for the concept (rows with activation &gt; 0 only).</summary>
    public int TopN { get; init; } = 16;

    /// <summary>Percentile (0–100) of the null alignments that a label must exceed to count as aligned (numpy's linear percentile).</summary>
    public double NullPercentile { get; init; } = 95;
}
