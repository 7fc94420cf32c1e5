namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// Per-concept result of <see cref="ConceptNaming"/> (arrays of length K, NaN where undefined).
/// </summary>
public sealed record ConceptNames
{
    /// <summary>Index of the best label (−1 when no score is defined: the concept never fires and has no decoder direction).</summary>
    public required int[] Label { get; init; }
    /// <summary>Name of the best label ("" when none).</summary>
    public required string[] LabelName { get; init; }
    /// <summary>Score of the best label: the mean of its defined alignments (visual, textual, decoder).</summary>
    public required double[] Score { get; init; }
    /// <summary>Best score minus second-best score.</summary>
    public required double[] Margin { get; init; }
    /// <summary>cos(best label, mean unit embedding of the top images).</summary>
    public required double[] VisualAlignment { get; init; }
    /// <summary>cos(best label, mean unit embedding of the top texts).</summary>
    public required double[] TextualAlignment { get; init; }
    /// <summary>cos(best label, decoder direction), when a decoder was given.</summary>
    public required double[] DecoderAlignment { get; init; }
    /// <summary>Null threshold of the visual alignment: the chosen percentile of cos(random label, mean top image).</summary>
    public required double[] VisualThreshold { get; init; }
    /// <summary>Null threshold of the textual alignment.</summary>
    public required double[] TextualThreshold { get; init; }
    /// <summary>Visual, textual, multimodal or none.</summary>
    public required ConceptType[] Type { get; init; }
    /// <summary>Top image rows (activation &gt; 0), best first.</summary>
    public required int[][] TopImages { get; init; }
    /// <summary>Top text rows (activation &gt; 0), best first.</summary>
    public required int[][] TopTexts { get; init; }
    /// <summary>Every label's score per concept (K × V, row-major), for inspection.</summary>
    public required double[] Scores { get; init; }

    /// <summary>Number of concepts.</summary>
    public int Count => Label.Length;
}
