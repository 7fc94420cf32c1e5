using System.Text.Json.Nodes;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>TopK SAE (Gao et al. 2024): z = TopK(ReLU(pre)) per sample, in training and at inference.</summary>
public sealed class TopKVariant : SaeVariant
{
    /// <inheritdoc />
    public override bool UsesK => true;
    /// <inheritdoc />
    public override string SaeLensArchitecture => "topk";
    /// <inheritdoc />
    public override IReadOnlyList<string> SaeLensImports => ["topk"];

    /// <inheritdoc />
    public override void WriteSaeLensConfig(JsonObject config, SaeOptions options) => config["k"] = options.K;

    /// <inheritdoc />
    public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.TopKPerRow(pre, rows, weights.Latents, options.K, codes, parallel);

    /// <inheritdoc />
    public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.TopKPerRow(pre, rows, weights.Latents, options.K, codes, parallel);

    /// <summary>Reference: per row, the k largest positive pre-activations by a full sort (ties to the lower index).</summary>
    public override bool[] ReferenceSelect(ReferenceBatch b)
    {
        int n = b.Latents;
        var active = new bool[b.Rows * n];
        for (int r = 0; r < b.Rows; r++)
            foreach (int q in Enumerable.Range(r * n, n).Where(q => b.Pre[q] > 0).OrderByDescending(q => b.Pre[q]).ThenBy(q => q).Take(b.Options.K))
                active[q] = true;
        return active;
    }
}
