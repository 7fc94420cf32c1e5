namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// ReLU SAE with an L1 penalty weighted by decoder row norms (Bricken et al. 2023; Anthropic
/// "April update" 2024): z = ReLU(pre), penalty λ·(1/B)·Σ_b Σᵢ z_bi‖W_dec,i‖.
/// Gradients: ∂/∂pre_bi = λ‖W_dec,i‖/B on active entries; ∂/∂W_dec,i = λ(Σ_b z_bi/B)·W_dec,i/‖W_dec,i‖.
/// </summary>
public sealed class ReluVariant : SaeVariant
{
    /// <inheritdoc />
    public override string SaeLensArchitecture => "standard";
    /// <inheritdoc />
    public override IReadOnlyList<string> SaeLensImports => ["standard", "relu"];

    /// <inheritdoc />
    public override IReadOnlyList<SaeParameter> Parameters =>
    [
        SaeParameter.Positive("l1", "coefficient λ of the L1 penalty λ·Σᵢ zᵢ‖W_dec,i‖", o => o.L1Coefficient, (o, v) => o with { L1Coefficient = v }),
    ];

    /// <inheritdoc />
    public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.AboveThreshold(pre, rows, weights.Latents, [0f], codes, parallel);

    /// <inheritdoc />
    public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
        => TopSelection.AboveThreshold(pre, rows, weights.Latents, [0f], codes, parallel);

    /// <inheritdoc />
    public override double AddPenalty(PenaltyContext c)
    {
        int n = c.Weights.Latents, d = c.Weights.Inputs;
        double lambda = c.Options.L1Coefficient;
        var norms = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            var row = c.Weights.DecoderWeight.AsSpan(i * d, d);
            foreach (float v in row) s += (double)v * v;
            norms[i] = Math.Sqrt(s);
        }
        var codeSums = new double[n];
        double penalty = 0;
        var codes = c.Codes;
        for (int e = 0; e < codes.Count; e++)
        {
            int i = codes.Index[e];
            codeSums[i] += codes.Value[e];
            penalty += codes.Value[e] * norms[i];
            c.CodeGradients[e] += (float)(lambda * norms[i] / c.Rows);
        }
        for (int i = 0; i < n; i++)
        {
            if (codeSums[i] == 0 || norms[i] == 0) continue;
            double f = lambda * codeSums[i] / c.Rows / norms[i];
            var w = c.Weights.DecoderWeight.AsSpan(i * d, d);
            var g = c.Gradients.DecoderWeight.AsSpan(i * d, d);
            for (int j = 0; j < d; j++) g[j] += (float)(f * w[j]);
        }
        return lambda * penalty / c.Rows;
    }

    /// <summary>Reference: every positive pre-activation.</summary>
    public override bool[] ReferenceSelect(ReferenceBatch b) => b.Pre.Select(v => v > 0).ToArray();

    /// <summary>Reference: λ·(1/B)Σ_b Σᵢ z_bi‖W_dec,i‖ and its gradients, straight from the formula.</summary>
    public override double ReferencePenalty(ReferencePenaltyContext c)
    {
        var b = c.Batch;
        int n = b.Latents, d = c.Inputs, rows = b.Rows;
        double lambda = b.Options.L1Coefficient, penalty = 0;
        for (int i = 0; i < n; i++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(j => c.DecoderWeight[i * d + j] * c.DecoderWeight[i * d + j]));
            double sumZ = 0;
            for (int r = 0; r < rows; r++)
            {
                sumZ += c.Codes[r * n + i];
                if (c.Active[r * n + i]) c.PreGradient[r * n + i] += lambda * norm / rows;
            }
            penalty += lambda * sumZ * norm / rows;
            if (c.Gradients is { } grad && norm > 0)
                for (int j = 0; j < d; j++) grad[2][i * d + j] += lambda * sumZ / rows * c.DecoderWeight[i * d + j] / norm;
        }
        return penalty;
    }
}
