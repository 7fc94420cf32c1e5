namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// One SAE architecture: how pre-activations become sparse codes in training and at inference,
/// the variant's own penalty and its gradient, nested reconstruction groups, and state updated
/// after each step. The shared recipe (bias, decoder norms, AuxK, Adam) lives in the trainer.
/// Every variant passes gradients straight through the selection: zᵢ = preᵢ on active latents,
/// so ∂z/∂pre = 1 there and 0 elsewhere.
/// </summary>
public abstract class SaeVariant
{
    /// <summary>The registry key.</summary>
    public abstract string Name { get; }

    /// <summary>The <c>architecture</c> written to a SAELens <c>cfg.json</c>.</summary>
    public virtual string SaeLensArchitecture => "jumprelu";

    /// <summary>Length of <see cref="SaeWeights.Threshold"/> for this variant.</summary>
    public virtual int ThresholdLength(int latents, SaeOptions options) => 0;

    /// <summary>True when <see cref="SaeWeights.Threshold"/> is a trained parameter (jumprelu's log θ).</summary>
    public virtual bool ThresholdIsTrained => false;

    /// <summary>Sets the variant's initial state in <paramref name="weights"/>.</summary>
    public virtual void Initialize(SaeWeights weights, SaeOptions options) { }

    /// <summary>Validates the options against the width (k ≥ n and similar are clear errors).</summary>
    public virtual void Validate(SaeOptions options, int inputs, int latents) { }

    /// <summary>Chooses the active latents of a training batch from rows×n pre-activations.</summary>
    public abstract void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel);

    /// <summary>Chooses the active latents at inference.</summary>
    public abstract void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel);

    /// <summary>End (exclusive) of each nested prefix whose reconstruction is scored; one group [n] unless Matryoshka.</summary>
    public virtual int[] GroupEnds(int latents, SaeOptions options) => [latents];

    /// <summary>Adds the variant's penalty to the loss and its gradients; returns the penalty.</summary>
    public virtual double AddPenalty(PenaltyContext context) => 0;

    /// <summary>Updates non-gradient state (the BatchTopK threshold EMA) after step <paramref name="step"/> (0-based).</summary>
    public virtual void AfterStep(SparseCodes codes, SaeWeights weights, SaeOptions options, int step, int totalSteps) { }

    /// <summary>Threshold values to export as a SAELens <c>threshold</c> (n values), or null when the variant has none.</summary>
    public virtual float[]? ExportThreshold(SaeWeights weights) => null;
}

/// <summary>What a variant's penalty sees and where its gradients go.</summary>
/// <param name="Rows">Batch size B (the penalty is a mean over rows).</param>
/// <param name="Pre">Pre-activations, B×n.</param>
/// <param name="Codes">The active latents.</param>
/// <param name="CodeGradients">∂L/∂pre per code entry (add to it).</param>
/// <param name="Weights">Current parameters.</param>
/// <param name="Gradients">Parameter gradients (add to them).</param>
/// <param name="Options">Hyper-parameters.</param>
/// <param name="ReconstructionGradient">∂L_recon/∂z for (row, latent), active or not.</param>
public sealed record PenaltyContext(int Rows, float[] Pre, SparseCodes Codes, float[] CodeGradients, SaeWeights Weights,
    SaeWeights Gradients, SaeOptions Options, Func<int, int, double> ReconstructionGradient);
