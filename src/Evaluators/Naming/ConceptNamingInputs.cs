namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// What <see cref="ConceptNaming"/> reads. All matrices are row-major and share the joint embedding
/// width e, except <see cref="Activations"/>.
/// </summary>
public sealed record ConceptNamingInputs
{
    /// <summary>Joint-space embedding of every row (N × e): an image embedding for an image row, a text embedding for a text row.</summary>
    public required DenseMatrix Embeddings { get; init; }

    /// <summary>Activation of every concept on every row (N × K): SAE codes, cluster memberships…</summary>
    public required DenseMatrix Activations { get; init; }

    /// <summary>Modality of every row: 0 = image, 1 = text (the convention of <see cref="Modality"/>).</summary>
    public required int[] Modality { get; init; }

    /// <summary>Candidate labels embedded by the model's text tower (V × e).</summary>
    public required DenseMatrix Labels { get; init; }

    /// <summary>Names of the candidate labels (V).</summary>
    public required IReadOnlyList<string> LabelNames { get; init; }

    /// <summary>Random labels embedded by the same text tower (R × e): the null distribution of alignments.</summary>
    public required DenseMatrix NullLabels { get; init; }

    /// <summary>Concept directions in the joint space (K × e), e.g. SAE decoder rows when the SAE reads joint embeddings; null otherwise.</summary>
    public DenseMatrix? Decoder { get; init; }
}
