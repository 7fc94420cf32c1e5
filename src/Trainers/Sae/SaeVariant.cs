using System.Text.Json.Nodes;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// One SAE architecture: how pre-activations become sparse codes in training and at inference,
/// the variant's own penalty and its gradient, nested reconstruction groups, state updated after
/// each step, its plain reference (selection and penalty, for <see cref="SaeReference"/>), its extra
/// parameters, and how it reads and writes SAELens folders. The shared recipe (bias, decoder norms,
/// AuxK, Adam) lives in the trainer. Every variant passes gradients straight through the selection:
/// zᵢ = preᵢ on active latents, so ∂z/∂pre = 1 there and 0 elsewhere. A variant is one file and one
/// line in <see cref="SaeVariants"/>, which also gives it its name.
/// </summary>
public abstract class SaeVariant
{
    /// <summary>The registry key (set by <see cref="SaeVariants.Create"/>).</summary>
    public string Name { get; internal set; } = "";

    /// <summary>True when the variant keeps k latents per sample (or k·B per batch), so k must satisfy 1 ≤ k &lt; n.</summary>
    public virtual bool UsesK => false;

    /// <summary>Extra hyper-parameters beyond the shared recipe (CLI flags, keys saved with the SAE).</summary>
    public virtual IReadOnlyList<SaeParameter> Parameters => [];

    /// <summary>The <c>architecture</c> written to a SAELens <c>cfg.json</c>.</summary>
    public virtual string SaeLensArchitecture => "jumprelu";

    /// <summary>SAELens <c>architecture</c> names this variant reads on import (empty: it is never the result of an import).</summary>
    public virtual IReadOnlyList<string> SaeLensImports => [];

    /// <summary>Adds variant-specific keys to an exported SAELens <c>cfg.json</c>.</summary>
    public virtual void WriteSaeLensConfig(JsonObject config, SaeOptions options) { }

    /// <summary>Turns an imported SAELens <c>threshold</c> into this variant's <see cref="SaeWeights.Threshold"/> (the inverse of <see cref="ExportThreshold"/>).</summary>
    public virtual void ImportThreshold(float[] saeLens, float[] threshold) => saeLens.CopyTo(threshold, 0);

    /// <summary>Length of <see cref="SaeWeights.Threshold"/> for this variant.</summary>
    public virtual int ThresholdLength(int latents, SaeOptions options) => 0;

    /// <summary>True when weights with <paramref name="length"/> threshold values can be this variant's.</summary>
    public virtual bool AcceptsThresholdLength(int length, int latents, SaeOptions options) => length == ThresholdLength(latents, options);

    /// <summary>True when <see cref="SaeWeights.Threshold"/> is a trained parameter (jumprelu's log θ).</summary>
    public virtual bool ThresholdIsTrained => false;

    /// <summary>Share of the reconstruction gradient a latent of the widest group receives (1 unless the loss is split over groups);
    /// the derived AuxK coefficient is scaled by it so AuxK keeps its weight relative to the reconstruction.</summary>
    public virtual double ReconstructionShare(int latents, SaeOptions options) => 1.0 / GroupEnds(latents, options).Length;

    /// <summary>Sets the variant's initial state in <paramref name="weights"/>.</summary>
    public virtual void Initialize(SaeWeights weights, SaeOptions options) { }

    /// <summary>Validates the options against the width (k ≥ n and similar are clear errors).</summary>
    public virtual void Validate(SaeOptions options, int inputs, int latents)
    {
        if (UsesK && (options.K < 1 || options.K >= latents))
            throw new ConceptDataException($"k = {options.K} must be at least 1 and smaller than the SAE width {latents}.");
    }

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

    /// <summary>Final touches after the last step (BatchTopK gives never-set per-latent thresholds a value).</summary>
    public virtual void FinishTraining(SaeWeights weights) { }

    /// <summary>Threshold values to export as a SAELens <c>threshold</c> (n values), or null when the variant has none.</summary>
    public virtual float[]? ExportThreshold(SaeWeights weights) => null;

    /// <summary>
    /// The plain reference of <see cref="SelectForTraining"/>: which of the rows×n float64 pre-activations are active,
    /// written straight from the definition (full sorts, no shortcuts). <see cref="SaeReference"/> calls it.
    /// </summary>
    public abstract bool[] ReferenceSelect(ReferenceBatch batch);

    /// <summary>The plain float64 reference of <see cref="AddPenalty"/>: returns the penalty and adds its gradients.</summary>
    public virtual double ReferencePenalty(ReferencePenaltyContext context) => 0;
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

/// <summary>A batch as the float64 reference sees it.</summary>
/// <param name="Options">Hyper-parameters.</param>
/// <param name="Pre">Pre-activations, rows×n.</param>
/// <param name="Rows">Batch size B.</param>
/// <param name="Latents">Width n.</param>
/// <param name="Threshold">The threshold parameter (may be empty).</param>
public sealed record ReferenceBatch(SaeOptions Options, double[] Pre, int Rows, int Latents, double[] Threshold);

/// <summary>What a variant's reference penalty sees and where its float64 gradients go.</summary>
/// <param name="Batch">The batch and its pre-activations.</param>
/// <param name="Inputs">Width d.</param>
/// <param name="DecoderWeight">W_dec, n×d.</param>
/// <param name="Codes">z, rows×n (pre on active entries, else 0).</param>
/// <param name="Active">The selection.</param>
/// <param name="CodeGradient">∂L_recon/∂z for every (row, latent), active or not.</param>
/// <param name="PreGradient">∂L/∂pre (add to it).</param>
/// <param name="Gradients">Parameter gradients in the order of <see cref="SaeWeights.Names"/> (add to them), or null when only the loss is wanted.</param>
public sealed record ReferencePenaltyContext(ReferenceBatch Batch, int Inputs, double[] DecoderWeight, double[] Codes, bool[] Active,
    double[] CodeGradient, double[] PreGradient, double[][]? Gradients);
