namespace MlNetConcepts.Studies.Synthetic;

/// <summary>
/// Settings of the multimodal synthetic benchmark: how many planted concepts of each kind, how
/// often they fire, how far apart the image and text cones sit, and how nonlinear each layer is.
/// </summary>
public sealed record MultimodalSynthOptions
{
    /// <summary>Width of the joint space (and of every layer).</summary>
    public int Dimensions { get; init; } = 48;

    /// <summary>Concepts that fire only in image rows (the first <see cref="BridgePairs"/> of them are bridge partners).</summary>
    public int ImageConcepts { get; init; } = 20;

    /// <summary>Concepts that fire only in text rows (the first <see cref="BridgePairs"/> of them are bridge partners).</summary>
    public int TextConcepts { get; init; } = 20;

    /// <summary>Concepts that fire in both rows of an aligned pair (multimodal concepts).</summary>
    public int SharedConcepts { get; init; } = 12;

    /// <summary>Planted cross-modal pairs: image concept i and text concept i, at cosine <see cref="BridgeCosine"/>, firing together in aligned pairs.</summary>
    public int BridgePairs { get; init; } = 8;

    /// <summary>Aligned image–text pairs (the data has twice as many rows).</summary>
    public int Pairs { get; init; } = 6000;

    /// <summary>Probability that a non-bridge concept fires in a row (shared: in a pair).</summary>
    public double ConceptProbability { get; init; } = 0.08;

    /// <summary>Probability that a bridge pair fires in an aligned pair.</summary>
    public double BridgeProbability { get; init; } = 0.1;

    /// <summary>
    /// Cosine between the two directions of a bridge pair: high against the ≈ 1/√d of random
    /// directions, but below the point (about 0.62) where a single atom on their bisector would
    /// sit at cosine ≥ 0.9 to both and hide the pair.
    /// </summary>
    public double BridgeCosine { get; init; } = 0.5;

    /// <summary>Norm of the modality offsets: image rows are shifted by +γu and text rows by −γu (the modality gap of Papadimitriou et al. 2025, §5.2).</summary>
    public double ModalityOffset { get; init; } = 1.0;

    /// <summary>Standard deviation of the isotropic Gaussian noise per coordinate.</summary>
    public double Noise { get; init; } = 0.02;

    /// <summary>Nonlinearity α of each layer: layer ℓ is Qℓx + αℓ·tanh(Gℓx); α = 0 for the first layer makes it the joint space itself.</summary>
    public IReadOnlyList<double> LayerNonlinearity { get; init; } = [0.0, 0.3, 0.8];

    /// <summary>Width of the auxiliary "semantic" embeddings written for MonoSemanticity.</summary>
    public int EmbeddingDimensions { get; init; } = 32;

    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Total planted concepts.</summary>
    public int ConceptCount => ImageConcepts + TextConcepts + SharedConcepts;

    internal void Validate()
    {
        if (Dimensions < 2) throw new ConceptDataException($"synth: dimensions must be at least 2, got {Dimensions}.");
        if (ImageConcepts < 0 || TextConcepts < 0 || SharedConcepts < 0 || ConceptCount == 0)
            throw new ConceptDataException("synth: concept counts must be non-negative and not all zero.");
        if (BridgePairs < 0 || BridgePairs > Math.Min(ImageConcepts, TextConcepts))
            throw new ConceptDataException($"synth: {BridgePairs} bridge pairs need at least as many image and text concepts.");
        if (Pairs < 1) throw new ConceptDataException($"synth: pairs must be at least 1, got {Pairs}.");
        if (ConceptProbability is < 0 or > 1 || BridgeProbability is < 0 or > 1)
            throw new ConceptDataException("synth: probabilities must lie in [0, 1].");
        if (BridgeCosine is <= -1 or >= 1) throw new ConceptDataException($"synth: bridge cosine must lie in (−1, 1), got {BridgeCosine}.");
        if (LayerNonlinearity.Count == 0) throw new ConceptDataException("synth: at least one layer is needed.");
    }
}
