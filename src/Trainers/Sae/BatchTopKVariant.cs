namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// BatchTopK SAE (Bussmann et al. 2024): training keeps the k·B largest ReLU pre-activations of
/// the flattened batch; inference keeps pre &gt; θ, where θ is the EMA
/// θ ← βθ + (1−β)·min(positive codes of the batch), started after a warm period. θ is a scalar
/// (as dictionary_learning stores it) or per latent (as the paper's appendix F describes), by option.
/// </summary>
public class BatchTopKVariant : SaeVariant
{
    /// <inheritdoc />
    public override bool UsesK => true;

    /// <inheritdoc />
    public override IReadOnlyList<SaeParameter> Parameters =>
    [
        SaeParameter.Switch("per-neuron-threshold", "one inference threshold per latent instead of a scalar",
            o => o.ThresholdMode == ThresholdMode.PerNeuron, (o, v) => o with { ThresholdMode = v ? ThresholdMode.PerNeuron : ThresholdMode.Scalar }),
    ];

    /// <inheritdoc />
    public override int ThresholdLength(int latents, SaeOptions options) => options.ThresholdMode == ThresholdMode.Scalar ? 1 : latents;

    /// <inheritdoc />
    public override void Initialize(SaeWeights weights, SaeOptions options) => Array.Fill(weights.Threshold, -1f);

    /// <inheritdoc />
    public override bool AcceptsThresholdLength(int length, int latents, SaeOptions options) => length == 1 || length == latents; // scalar or per latent, whatever the options say

    /// <inheritdoc />
    public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.TopOfBatch(pre, rows, weights.Latents, (long)options.K * rows, codes, parallel);

    /// <inheritdoc />
    public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.AboveThreshold(pre, rows, weights.Latents, weights.Threshold, codes, parallel);

    /// <inheritdoc />
    public override void AfterStep(SparseCodes codes, SaeWeights weights, SaeOptions options, int step, int totalSteps)
    {
        if (step < Math.Min(options.ThresholdStartStep ?? SaeDefaults.ThresholdStartStep, totalSteps / 2) || codes.Count == 0) return;
        float beta = (float)options.ThresholdEmaDecay;
        var t = weights.Threshold;
        if (t.Length == 1)
        {
            float min = float.PositiveInfinity;
            for (int e = 0; e < codes.Count; e++) min = Math.Min(min, codes.Value[e]);
            t[0] = t[0] < 0 ? min : beta * t[0] + (1 - beta) * min;
            return;
        }
        var mins = new float[t.Length];
        Array.Fill(mins, float.PositiveInfinity);
        for (int e = 0; e < codes.Count; e++) mins[codes.Index[e]] = Math.Min(mins[codes.Index[e]], codes.Value[e]);
        for (int i = 0; i < t.Length; i++)
            if (!float.IsPositiveInfinity(mins[i])) t[i] = t[i] < 0 ? mins[i] : beta * t[i] + (1 - beta) * mins[i];
    }

    /// <summary>
    /// Per-latent thresholds for latents that never fired after the EMA started are unset (−1);
    /// they take the mean of the set ones so inference never treats them as plain ReLU.
    /// </summary>
    public override void FinishTraining(SaeWeights weights)
    {
        var t = weights.Threshold;
        if (t.Length < 2) return;
        double sum = 0; int set = 0;
        foreach (float v in t) if (v >= 0) { sum += v; set++; }
        float fill = set > 0 ? (float)(sum / set) : 0f;
        for (int i = 0; i < t.Length; i++) if (t[i] < 0) t[i] = fill;
    }

    /// <inheritdoc />
    public override float[]? ExportThreshold(SaeWeights weights)
    {
        var t = new float[weights.Latents];
        for (int i = 0; i < t.Length; i++) t[i] = Math.Max(0f, weights.Threshold.Length == 1 ? weights.Threshold[0] : weights.Threshold[i]);
        return t;
    }

    /// <summary>Reference: the k·B largest positive pre-activations of the flattened batch by a full sort (ties to the lower position).</summary>
    public override bool[] ReferenceSelect(ReferenceBatch b)
    {
        var active = new bool[b.Rows * b.Latents];
        foreach (int q in Enumerable.Range(0, active.Length).Where(q => b.Pre[q] > 0).OrderByDescending(q => b.Pre[q]).ThenBy(q => q).Take(b.Options.K * b.Rows))
            active[q] = true;
        return active;
    }
}
