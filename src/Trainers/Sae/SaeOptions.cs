namespace MlNetConcepts.Trainers.Sae;

/// <summary>How the BatchTopK / Matryoshka inference threshold θ is kept.</summary>
public enum ThresholdMode
{
    /// <summary>One θ for all latents (what the reference trainer in dictionary_learning stores).</summary>
    Scalar,
    /// <summary>One θ per latent (what Bussmann et al., BatchTopK paper App. F, describe).</summary>
    PerNeuron,
}

/// <summary>
/// Every hyper-parameter of <see cref="SparseAutoencoderTrainer"/>. Defaults follow the recipe the
/// public trainers agree on (Gao et al. 2024; Bussmann et al. 2024; dictionary_learning). That recipe
/// is written for runs over hundreds of millions of samples; the nullable settings below mean "derive
/// from the run" (total samples T = steps × batch size), so a short run gets a schedule that fits it
/// while a long run keeps the published values. An explicit value always wins.
/// </summary>
public sealed record SaeOptions
{
    /// <summary>Variant key in <see cref="SaeVariants"/> (see <see cref="SaeVariants.Names"/>).</summary>
    public string Architecture { get; init; } = "batchtopk";
    /// <summary>Number of latents n as a multiple of the input width d (used when <see cref="Latents"/> is null).</summary>
    public int ExpansionFactor { get; init; } = 8;
    /// <summary>Explicit number of latents n; overrides <see cref="ExpansionFactor"/>.</summary>
    public int? Latents { get; init; }
    /// <summary>Active latents per sample for topk, and the mean per sample for batchtopk / matryoshka (k·B kept per batch).</summary>
    public int K { get; init; } = 32;
    /// <summary>relu: coefficient λ of the L1 penalty λ·Σᵢ zᵢ‖W_dec,i‖ (Anthropic, "April update" 2024).</summary>
    public double L1Coefficient { get; init; } = 0.02;
    /// <summary>jumprelu: coefficient λ of the L0 penalty λ·Σᵢ H(preᵢ − θᵢ) (Rajamanoharan et al. 2024).</summary>
    public double L0Coefficient { get; init; } = 0.005;
    /// <summary>jumprelu: bandwidth ε of the rectangle kernel in the threshold pseudo-gradient.</summary>
    public double JumpReluBandwidth { get; init; } = 0.001;
    /// <summary>jumprelu: initial threshold θ (on unit-mean-squared-norm inputs); θ is learned as log θ.</summary>
    public double JumpReluInitialThreshold { get; init; } = 0.001;
    /// <summary>matryoshka: group fractions of the width (the last group takes the remainder). Default 1/16, 1/8, 1/4, 9/16.</summary>
    public IReadOnlyList<double> MatryoshkaFractions { get; init; } = [1.0 / 16, 1.0 / 8, 1.0 / 4, 9.0 / 16];
    /// <summary>matryoshka: explicit group sizes (must sum to n); overrides <see cref="MatryoshkaFractions"/>.</summary>
    public IReadOnlyList<int>? MatryoshkaGroupSizes { get; init; }
    /// <summary>
    /// Parameters of variants registered outside this library, by <see cref="SaeParameter.Name"/>, in their text form
    /// (set through <see cref="SaeParameter.Text"/>; the built-in variants keep theirs in the typed fields above).
    /// </summary>
    public IReadOnlyDictionary<string, string> VariantSettings { get; init; } = new Dictionary<string, string>();
    /// <summary>Samples per optimisation step B.</summary>
    public int BatchSize { get; init; } = 4096;
    /// <summary>Optimisation steps; null trains for <see cref="Epochs"/> passes over the training rows.</summary>
    public int? Steps { get; init; }
    /// <summary>Passes over the training rows when <see cref="Steps"/> is null.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>
    /// Peak learning rate. Null derives it: max(2e-4/√(n/2¹⁴), min(0.01, 40/S)) for a run of S steps. The first term
    /// is the published rate (Gao et al. 2024 scaling, as in dictionary_learning), tuned for runs of 10⁵ steps and
    /// more. Adam moves a weight by about the rate per step, so a run can move each weight by about rate × S; a short
    /// run at the published rate stops long before its dictionary settles (on 320 superposed features in d = 40,
    /// 4000 steps at the published 1.4e-3 end at MMCS 0.71, at 1e-2 at 0.92). The second term keeps rate × S near 40,
    /// capped at 0.01 where Adam on unit-norm decoder rows starts to oscillate; long runs keep the published rate.
    /// </summary>
    public double? LearningRate { get; init; }
    /// <summary>Linear warm-up from 0 to the peak rate over this many steps. Null: 1000 steps (the published value), or a tenth of a shorter run.</summary>
    public int? WarmupSteps { get; init; }
    /// <summary>Fraction of the run after which the rate decays linearly to 0 (1 disables the decay).</summary>
    public double DecayStartFraction { get; init; } = 0.8;
    /// <summary>Adam β₁.</summary>
    public double AdamBeta1 { get; init; } = 0.9;
    /// <summary>Adam β₂.</summary>
    public double AdamBeta2 { get; init; } = 0.999;
    /// <summary>Adam ε.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;
    /// <summary>The global gradient norm is clipped to this value (0 disables clipping).</summary>
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>
    /// Coefficient α of the AuxK loss on dead latents. Null: 1/32 (Gao et al. 2024) on long runs; on a short run (see
    /// <see cref="DeadWindowSamples"/>) 1/32 times the share of the reconstruction gradient the widest latents get
    /// (<see cref="SaeVariant.ReconstructionShare"/>: 1, or 1/G for Matryoshka's G nested losses), so that AuxK, which acts
    /// much more often on a short run, does not outweigh the reconstruction those latents learn from.
    /// </summary>
    public double? AuxKCoefficient { get; init; }
    /// <summary>Dead latents decoded by AuxK per sample; null uses d/2 (capped by the number of dead latents).</summary>
    public int? AuxK { get; init; }
    /// <summary>
    /// True: AuxK decodes the top k_aux raw pre-activations of dead latents, negative ones included; false: only positive ones,
    /// after the ReLU, as Gao et al. 2024 and dictionary_learning do. A latent whose pre-activations are negative on every input
    /// gets no AuxK gradient after a ReLU and stays dead for good; with true it still does. Null: true on a short run (see
    /// <see cref="DeadWindowSamples"/>), where such latents are common and there is no time to wait for them; false on a long
    /// run. On the synthetic superposition benchmark (512 features in 64 dimensions, BatchTopK k = 5, short dead window) it lifts
    /// recovery (MMCS) from about 0.76 to 0.93.
    /// </summary>
    public bool? AuxKOnPreActivations { get; init; }
    /// <summary>
    /// A latent that has not fired for this many training samples counts as dead (AuxK trains it). Null derives the window
    /// from the run's T = steps × batch samples: T/1000, at least two batches, at most 10M. Gao et al. 2024 use 10M samples,
    /// about a thousandth of their runs; a fixed 10M window on a run of a few million samples never marks a latent dead,
    /// so AuxK never acts. A run is "short" when T/1000 &lt; 10M (T &lt; 10¹⁰); longer runs keep the published recipe.
    /// </summary>
    public long? DeadWindowSamples { get; init; }
    /// <summary>batchtopk / matryoshka: scalar or per-latent inference threshold.</summary>
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Scalar;
    /// <summary>Decay of the threshold EMA θ ← βθ + (1−β)·min positive activation.</summary>
    public double ThresholdEmaDecay { get; init; } = 0.999;
    /// <summary>The threshold EMA starts after this many steps. Null: 1000 (the published value), or half of a shorter run.</summary>
    public int? ThresholdStartStep { get; init; }
    /// <summary>Divide inputs by √(mean ‖x‖²) while training; the scale is folded into the saved weights.</summary>
    public bool NormalizeInputs { get; init; } = true;
    /// <summary>Rows read to estimate the input scale and the geometric median initialising b_dec.</summary>
    public int InitSampleRows { get; init; } = 4096;
    /// <summary>Fraction of rows (chosen by a seeded hash of the row index) held out for evaluation.</summary>
    public double HoldOutFraction { get; init; } = 0.0;
    /// <summary>Seed of the decoder initialisation and of the per-epoch shuffles; null uses the context seed.</summary>
    public int? Seed { get; init; }
    /// <summary>Views up to this many bytes are read into memory and shuffled by row; larger ones stream through a shuffle buffer.</summary>
    public long InMemoryLimitBytes { get; init; } = 2L << 30;
    /// <summary>Rows held by the shuffle buffer when streaming.</summary>
    public int ShuffleBufferRows { get; init; } = 65536;
    /// <summary>Checkpoint file (safetensors); null disables checkpoints.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Write a checkpoint every this many steps (0: never).</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Resume from <see cref="CheckpointPath"/> when it exists.</summary>
    public bool Resume { get; init; }
    /// <summary>Report progress every this many steps.</summary>
    public int ProgressEvery { get; init; } = 50;
    /// <summary>Name of the input activation column.</summary>
    public string InputColumn { get; init; } = "Features";
    /// <summary>Name of the code column the fitted transformer adds.</summary>
    public string OutputColumn { get; init; } = "Concepts";
}
