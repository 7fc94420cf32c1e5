using System.Numerics.Tensors;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The pieces of the shared training recipe (Gao et al. 2024; Bussmann et al. 2024;
/// dictionary_learning): initialisation, the decoder-norm constraint, gradient clipping and the
/// learning-rate schedule.
/// </summary>
internal static class SaeRecipe
{
    /// <summary>
    /// Learning rate at 0-based <paramref name="step"/>: linear warm-up over <paramref name="warmup"/> steps,
    /// constant, then linear decay to 0 from <paramref name="decayStartFraction"/>·T.
    /// </summary>
    public static double LearningRate(double peak, int step, int total, int warmup, double decayStartFraction)
    {
        int warm = Math.Max(1, warmup);
        double f = step < warm ? (step + 1.0) / warm : 1.0;
        int decayStart = (int)(decayStartFraction * total);
        if (decayStartFraction < 1 && step >= decayStart) f *= (double)(total - step) / Math.Max(1, total - decayStart);
        return peak * f;
    }

    /// <summary>
    /// Random unit-norm decoder rows (uniform entries, normalised; the direction is what matters) and
    /// the encoder initialised as the decoder's transpose (same rows in our n×d layout); b_enc = 0.
    /// </summary>
    public static void Initialize(SaeWeights w, int seed)
    {
        var rng = new Random(seed);
        for (int q = 0; q < w.DecoderWeight.Length; q++) w.DecoderWeight[q] = (float)(rng.NextDouble() * 2 - 1);
        NormalizeRows(w.DecoderWeight, w.Inputs, new ParallelOptions());
        w.DecoderWeight.CopyTo(w.EncoderWeight, 0);
        Array.Clear(w.EncoderBias);
    }

    /// <summary>Scales every decoder row to unit L2 norm.</summary>
    public static void NormalizeRows(float[] rows, int d, ParallelOptions parallel)
    {
        const int band = 256; // rows per task
        int n = rows.Length / d;
        Parallel.For(0, (n + band - 1) / band, parallel, b =>
        {
            int from = b * band, count = Math.Min(band, n - from);
            VectorOps.NormalizeRows(rows.AsSpan(from * d, count * d), count, d);
        });
    }

    /// <summary>Removes from each decoder-row gradient its component along the row: g ← g − (g·w/‖w‖²)·w.</summary>
    public static void ProjectDecoderGradient(float[] decoder, float[] gradient, int d, ParallelOptions parallel)
    {
        int n = decoder.Length / d;
        Parallel.For(0, n, parallel, i => ProjectRow(decoder.AsSpan(i * d, d), gradient.AsSpan(i * d, d)));
    }

    /// <summary>g ← g − (g·w/‖w‖²)·w for one decoder row w and its gradient g (nothing when w = 0).</summary>
    public static void ProjectRow(ReadOnlySpan<float> w, Span<float> g)
    {
        float ww = TensorPrimitives.Dot(w, w);
        if (ww > 0) TensorPrimitives.MultiplyAdd(w, -TensorPrimitives.Dot(g, w) / ww, g, g);
    }

    /// <summary>Scales the gradients so their global L2 norm is at most <paramref name="maxNorm"/> (as torch's clip_grad_norm_). Returns the norm before clipping.</summary>
    public static double ClipGradientNorm(SaeWeights grad, int[] trained, double maxNorm)
    {
        double sq = 0;
        foreach (int p in trained) sq += SampleSums.SumOfSquares(grad.All[p]);
        double norm = Math.Sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float f = (float)(maxNorm / (norm + 1e-6));
            foreach (int p in trained) TensorPrimitives.Multiply(grad.All[p], f, grad.All[p]);
        }
        return norm;
    }

    /// <summary>
    /// Geometric median by Weiszfeld's iteration: y ← Σ xᵢ/‖xᵢ−y‖ / Σ 1/‖xᵢ−y‖, from the mean, until
    /// the step is below <paramref name="tolerance"/> (relative to ‖y‖ + 1) or after <paramref name="iterations"/>.
    /// </summary>
    public static double[] GeometricMedian(float[] x, int rows, int d, int iterations = 100, double tolerance = 1e-5)
    {
        var y = new double[d];
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) y[j] += x[r * d + j] / (double)rows;
        var next = new double[d];
        for (int it = 0; it < iterations; it++)
        {
            Array.Clear(next);
            double wsum = 0;
            for (int r = 0; r < rows; r++)
            {
                double dist = 0;
                for (int j = 0; j < d; j++) { double v = x[r * d + j] - y[j]; dist += v * v; }
                dist = Math.Sqrt(dist);
                if (dist < 1e-12) continue; // a point at the estimate: Weiszfeld skips it
                double wgt = 1 / dist;
                wsum += wgt;
                for (int j = 0; j < d; j++) next[j] += wgt * x[r * d + j];
            }
            if (wsum == 0) break;
            double move = 0, norm = 0;
            for (int j = 0; j < d; j++)
            {
                next[j] /= wsum;
                move += (next[j] - y[j]) * (next[j] - y[j]);
                norm += next[j] * next[j];
            }
            (y, next) = (next, y);
            if (Math.Sqrt(move) < tolerance * (Math.Sqrt(norm) + 1)) break;
        }
        return y;
    }
}
