namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The settings of one training run after the "derive from the run" options are filled in
/// (see <see cref="SaeDefaults.Derive"/>); explicit options are kept as given.
/// </summary>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="DeadWindowSamples">A latent silent for this many samples is dead (AuxK trains it).</param>
/// <param name="AuxKCoefficient">Weight of the AuxK loss.</param>
/// <param name="AuxKOnPreActivations">AuxK also picks dead latents with negative pre-activations.</param>
/// <param name="ThresholdStartStep">Step at which the BatchTopK threshold EMA starts.</param>
internal sealed record SaeRunSettings(double LearningRate, int WarmupSteps, long DeadWindowSamples, double AuxKCoefficient,
    bool AuxKOnPreActivations, int ThresholdStartStep)
{
    /// <summary>The options with every derived setting written in (what the step and the fitted SAE see).</summary>
    public SaeOptions ApplyTo(SaeOptions o) => o with
    {
        LearningRate = LearningRate,
        WarmupSteps = WarmupSteps,
        DeadWindowSamples = DeadWindowSamples,
        AuxKCoefficient = AuxKCoefficient,
        AuxKOnPreActivations = AuxKOnPreActivations,
        ThresholdStartStep = ThresholdStartStep,
    };
}

/// <summary>
/// The published recipe (Gao et al. 2024; Bussmann et al. 2024; dictionary_learning) and how a run shorter than
/// the ones it was written for adapts it. The reasoning is in the XML docs of the <see cref="SaeOptions"/> fields.
/// </summary>
internal static class SaeDefaults
{
    /// <summary>Published dead-latent window (Gao et al. 2024): 10M samples.</summary>
    public const long DeadWindowSamples = 10_000_000;
    /// <summary>Published AuxK coefficient (Gao et al. 2024): 1/32.</summary>
    public const double AuxKCoefficient = 1.0 / 32;
    /// <summary>Published warm-up and threshold start: 1000 steps.</summary>
    public const int WarmupSteps = 1000, ThresholdStartStep = 1000;
    /// <summary>The dead window is this fraction of the run's samples (10M of the ~10B samples of a published run).</summary>
    public const double DeadWindowFraction = 1.0 / 1000;
    /// <summary>How far (in units of learning rate × steps) Adam must be able to move a weight in a run.</summary>
    public const double LearningBudget = 40;
    /// <summary>Highest derived learning rate.</summary>
    public const double MaxDerivedLearningRate = 1e-2;

    /// <summary>Published peak learning rate 2e-4/√(n/2¹⁴) (Gao et al. 2024, as in dictionary_learning).</summary>
    public static double PublishedLearningRate(int latents) => 2e-4 / Math.Sqrt(latents / 16384.0);

    /// <summary>Fills every null "derive from the run" option for a run of <paramref name="totalSteps"/> steps.</summary>
    public static SaeRunSettings Derive(SaeOptions o, SaeVariant variant, int latents, int totalSteps)
    {
        long samples = (long)totalSteps * o.BatchSize;
        long window = o.DeadWindowSamples ?? Math.Min(DeadWindowSamples, Math.Max(2L * o.BatchSize, (long)(samples * DeadWindowFraction)));
        if (window < 1) throw new ConceptDataException($"The dead-latent window must be at least 1 sample, got {window}.");
        bool shortRun = samples * DeadWindowFraction < DeadWindowSamples;
        double aux = o.AuxKCoefficient ?? (shortRun ? AuxKCoefficient * variant.ReconstructionShare(latents, o) : AuxKCoefficient);
        if (!(aux >= 0) || !double.IsFinite(aux)) throw new ConceptDataException($"The AuxK coefficient must be a finite number ≥ 0, got {aux}.");
        double published = PublishedLearningRate(latents);
        double lr = o.LearningRate ?? Math.Max(published, Math.Min(MaxDerivedLearningRate, LearningBudget / totalSteps));
        if (!(lr > 0) || !double.IsFinite(lr)) throw new ConceptDataException($"The learning rate must be a positive number, got {lr}.");
        int warmup = o.WarmupSteps ?? Math.Min(WarmupSteps, Math.Max(1, totalSteps / 10));
        int thresholdStart = o.ThresholdStartStep ?? Math.Min(ThresholdStartStep, totalSteps / 2);
        return new SaeRunSettings(lr, warmup, window, aux, o.AuxKOnPreActivations ?? shortRun, thresholdStart);
    }
}
