namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as PyTorch computes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). Dense: every parameter's moments decay every step.
/// </summary>
internal sealed class AdamOptimizer
{
    private readonly double _beta1, _beta2, _eps;

    public AdamOptimizer(SaeWeights shape, bool trainThreshold, SaeOptions options)
    {
        _beta1 = options.AdamBeta1;
        _beta2 = options.AdamBeta2;
        _eps = options.AdamEpsilon;
        Trained = trainThreshold ? [0, 1, 2, 3, 4] : [0, 1, 2, 3];
        var all = shape.All;
        First = Trained.Select(p => new float[all[p].Length]).ToArray();
        Second = Trained.Select(p => new float[all[p].Length]).ToArray();
    }

    /// <summary>Indices (into <see cref="SaeWeights.All"/>) of the trained parameters.</summary>
    public int[] Trained { get; }
    /// <summary>First moments, one array per trained parameter.</summary>
    public float[][] First { get; }
    /// <summary>Second moments.</summary>
    public float[][] Second { get; }

    /// <summary>Applies update number <paramref name="t"/> (1-based) with learning rate <paramref name="lr"/>.</summary>
    public void Step(SaeWeights weights, SaeWeights grad, int t, double lr, ParallelOptions parallel)
    {
        double bc1 = 1 - Math.Pow(_beta1, t), bc2 = Math.Sqrt(1 - Math.Pow(_beta2, t));
        float b1 = (float)_beta1, b2 = (float)_beta2, stepSize = (float)(lr / bc1), sq2 = (float)bc2, eps = (float)_eps;
        for (int q = 0; q < Trained.Length; q++)
        {
            var p = weights.All[Trained[q]];
            var g = grad.All[Trained[q]];
            var m = First[q];
            var v = Second[q];
            const int chunk = 16384;
            int chunks = (p.Length + chunk - 1) / chunk;
            Parallel.For(0, chunks, parallel, c =>
            {
                int end = Math.Min(p.Length, (c + 1) * chunk);
                for (int i = c * chunk; i < end; i++)
                {
                    float gi = g[i];
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / sq2 + eps);
                }
            });
        }
    }
}
