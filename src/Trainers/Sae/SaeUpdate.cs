using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The parameter update after each step, in the order of the shared recipe (Gao et al. 2024;
/// Bussmann et al. 2024; see <see cref="SaeRecipe"/>): project out of each decoder-row gradient its component along the row,
/// g_i ← g_i − (g_i·w_i/‖w_i‖²)·w_i; clip the global gradient norm to c as torch's clip_grad_norm_ does
/// (g ← f·g with f = c/(‖g‖ + 10⁻⁶) when ‖g‖ &gt; c); Adam (Kingma &amp; Ba 2015, Algorithm 1; <see cref="AdamOptimizer"/>);
/// scale each decoder row back to unit norm, w_i ← w_i/‖w_i‖.
/// <see cref="Apply"/> does this in two passes over the n×d arrays where the plain sequence (<see cref="ApplyReference"/>)
/// takes five (projection, norm, scaling, Adam, renormalisation): the first pass projects the decoder gradient and sums
/// the squares of both weight gradients, a band of rows at a time (band sums added in band order, so the norm does not
/// depend on the thread count); the second runs Adam with f applied as each gradient value is read, and renormalises each
/// chunk of decoder rows right after Adam has updated it, while it is in cache. The results equal the plain sequence's up
/// to the order of the float64 sum of squares (the test allows for that); the gradients are left projected, not scaled.
/// </summary>
internal static class SaeUpdate
{
    /// <summary>Rows per task of the first pass.</summary>
    private const int Band = 256;

    /// <summary>
    /// Updates <paramref name="weights"/> from <paramref name="grad"/> (update number <paramref name="t"/>, 1-based, learning rate
    /// <paramref name="lr"/>, global norm clipped to <paramref name="clipNorm"/>, 0: no clipping). Returns the gradient norm before clipping.
    /// </summary>
    public static double Apply(SaeWeights weights, SaeWeights grad, AdamOptimizer adam, int t, double lr, double clipNorm, ParallelOptions parallel)
    {
        int d = weights.Inputs, n = weights.Latents;
        bool encoder = adam.Trained.Contains(0), decoder = adam.Trained.Contains(2);
        int bands = (n + Band - 1) / Band;
        var bandSquares = new double[bands];
        Parallel.For(0, bands, parallel, b =>
        {
            int from = b * Band, to = Math.Min(n, from + Band);
            double s = 0;
            for (int i = from; i < to; i++)
            {
                var g = grad.DecoderWeight.AsSpan(i * d, d);
                SaeRecipe.ProjectRow(weights.DecoderWeight.AsSpan(i * d, d), g);
                if (decoder) s += SampleSums.SumOfSquares(g);
            }
            if (encoder) s += SampleSums.SumOfSquares(grad.EncoderWeight.AsSpan(from * d, (to - from) * d));
            bandSquares[b] = s;
        });
        double squares = 0;
        foreach (double s in bandSquares) squares += s;
        foreach (int p in adam.Trained)
            if (p != 0 && p != 2) squares += SampleSums.SumOfSquares(grad.All[p]);
        double norm = Math.Sqrt(squares);
        float scale = clipNorm > 0 && norm > clipNorm ? (float)(clipNorm / (norm + 1e-6)) : 1f;

        adam.Step(weights, grad, t, lr, parallel, scale, (parameter, from, end) =>
        {
            if (parameter == 2) VectorOps.NormalizeRows(weights.DecoderWeight.AsSpan(from, end - from), (end - from) / d, d);
        });
        return norm;
    }

    /// <summary>The plain sequence <see cref="Apply"/> stands for: a pass each for the projection, the norm and its scaling,
    /// Adam (its scalar reference) and the renormalisation. Returns the gradient norm before clipping.</summary>
    internal static double ApplyReference(SaeWeights weights, SaeWeights grad, AdamOptimizer adam, int t, double lr, double clipNorm)
    {
        var one = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        SaeRecipe.ProjectDecoderGradient(weights.DecoderWeight, grad.DecoderWeight, weights.Inputs, one);
        double norm = SaeRecipe.ClipGradientNorm(grad, adam.Trained, clipNorm);
        adam.StepReference(weights, grad, t, lr);
        SaeRecipe.NormalizeRows(weights.DecoderWeight, weights.Inputs, one);
        return norm;
    }
}
