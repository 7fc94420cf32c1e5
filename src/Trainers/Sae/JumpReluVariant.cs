namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// JumpReLU SAE (Rajamanoharan et al. 2024): zᵢ = preᵢ·H(preᵢ − θᵢ) with learned θᵢ = exp(tᵢ),
/// penalty λ·(1/B)Σ_b Σᵢ H(pre_bi − θᵢ) (an L0 norm). H has no useful derivative, so θ gets the
/// straight-through pseudo-derivatives with the rectangle kernel K(u) = 1[|u| &lt; ½] and bandwidth ε:
/// ∂z/∂θ = −(θ/ε)·K((pre−θ)/ε) and ∂H/∂θ = −(1/ε)·K((pre−θ)/ε); ∂z/∂pre = H(pre − θ).
/// The parameter trained is t = log θ, so ∂L/∂t = θ·∂L/∂θ.
/// </summary>
public sealed class JumpReluVariant : SaeVariant
{
    /// <inheritdoc />
    public override IReadOnlyList<string> SaeLensImports => ["jumprelu"];

    /// <inheritdoc />
    public override IReadOnlyList<SaeParameter> Parameters =>
    [
        SaeParameter.Positive("l0", "coefficient λ of the L0 penalty λ·Σᵢ H(preᵢ − θᵢ)", o => o.L0Coefficient, (o, v) => o with { L0Coefficient = v }),
        SaeParameter.Positive("bandwidth", "bandwidth ε of the threshold pseudo-gradient's kernel", o => o.JumpReluBandwidth, (o, v) => o with { JumpReluBandwidth = v }),
        SaeParameter.Positive("initial-threshold", "initial threshold θ on unit-mean-squared-norm inputs", o => o.JumpReluInitialThreshold, (o, v) => o with { JumpReluInitialThreshold = v }),
    ];

    /// <summary>SAELens stores θ; this variant trains log θ (θ ≤ 0 becomes −∞: every positive pre-activation passes).</summary>
    public override void ImportThreshold(float[] saeLens, float[] threshold)
    {
        for (int i = 0; i < threshold.Length; i++) threshold[i] = MathF.Log(Math.Max(saeLens[i], 0f));
    }
    /// <inheritdoc />
    public override int ThresholdLength(int latents, SaeOptions options) => latents;
    /// <inheritdoc />
    public override bool ThresholdIsTrained => true;

    /// <inheritdoc />
    public override void Initialize(SaeWeights weights, SaeOptions options)
        => Array.Fill(weights.Threshold, (float)Math.Log(options.JumpReluInitialThreshold));

    /// <inheritdoc />
    public override void Validate(SaeOptions options, int inputs, int latents)
    {
        if (!(options.JumpReluBandwidth > 0)) throw new ConceptDataException($"JumpReLU bandwidth must be positive, got {options.JumpReluBandwidth}.");
        if (!(options.JumpReluInitialThreshold > 0)) throw new ConceptDataException($"JumpReLU initial threshold must be positive, got {options.JumpReluInitialThreshold}.");
    }

    /// <inheritdoc />
    public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.AboveThreshold(pre, rows, weights.Latents, weights.Threshold, codes, parallel, exponentiate: true);

    /// <inheritdoc />
    public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.AboveThreshold(pre, rows, weights.Latents, weights.Threshold, codes, parallel, exponentiate: true);

    /// <inheritdoc />
    public override double AddPenalty(PenaltyContext c)
    {
        int n = c.Weights.Latents, rows = c.Rows;
        double eps = c.Options.JumpReluBandwidth, lambda = c.Options.L0Coefficient;
        var theta = new double[n];
        for (int i = 0; i < n; i++) theta[i] = Math.Exp(c.Weights.Threshold[i]);
        var gTheta = new double[n];
        long active = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = c.Pre.AsSpan(r * n, n);
            for (int i = 0; i < n; i++)
            {
                double v = row[i];
                if (v > theta[i]) active++;
                if (Math.Abs((v - theta[i]) / eps) >= 0.5) continue;
                // Inside the kernel window: both the code and the L0 term pass a pseudo-gradient to θ.
                gTheta[i] += -(theta[i] / eps) * c.ReconstructionGradient(r, i) - lambda / (eps * rows);
            }
        }
        for (int i = 0; i < n; i++) c.Gradients.Threshold[i] += (float)(gTheta[i] * theta[i]);
        return lambda * active / rows;
    }

    /// <inheritdoc />
    public override float[]? ExportThreshold(SaeWeights weights) => weights.Threshold.Select(t => MathF.Exp(t)).ToArray();

    /// <summary>Reference: pre-activations above exp(t).</summary>
    public override bool[] ReferenceSelect(ReferenceBatch b)
        => b.Pre.Select((v, q) => v > Math.Exp(b.Threshold[q % b.Latents])).ToArray();

    /// <summary>Reference: λ·(active count)/B and the straight-through gradient of t = log θ, straight from the formulas.</summary>
    public override double ReferencePenalty(ReferencePenaltyContext c)
    {
        var b = c.Batch;
        int n = b.Latents, rows = b.Rows;
        double lambda = b.Options.L0Coefficient, eps = b.Options.JumpReluBandwidth;
        if (c.Gradients is { } grad)
            for (int i = 0; i < n; i++)
            {
                double theta = Math.Exp(b.Threshold[i]), g = 0;
                for (int r = 0; r < rows; r++)
                {
                    double u = (b.Pre[r * n + i] - theta) / eps;
                    double kernel = Math.Abs(u) < 0.5 ? 1 : 0;
                    g += -(theta / eps) * kernel * c.CodeGradient[r * n + i] - lambda / (eps * rows) * kernel;
                }
                grad[4][i] += g * theta;
            }
        return lambda * c.Active.Count(a => a) / rows;
    }
}
