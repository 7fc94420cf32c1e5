namespace MlNetConcepts.Trainers.Sae;

/// <summary>TopK SAE (Gao et al. 2024): z = TopK(ReLU(pre)) per sample, in training and at inference.</summary>
public sealed class TopKVariant : SaeVariant
{
    /// <inheritdoc />
    public override string Name => "topk";
    /// <inheritdoc />
    public override string SaeLensArchitecture => "topk";

    /// <inheritdoc />
    public override void Validate(SaeOptions options, int inputs, int latents) => SaeVariants.CheckK(options, latents);

    /// <inheritdoc />
    public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.TopKPerRow(pre, rows, weights.Latents, options.K, codes, parallel);

    /// <inheritdoc />
    public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.TopKPerRow(pre, rows, weights.Latents, options.K, codes, parallel);
}
