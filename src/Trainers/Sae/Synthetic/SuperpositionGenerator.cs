using System.Numerics.Tensors;

namespace MlNetConcepts.Trainers.Sae.Synthetic;

/// <summary>Planted features and the activations made from them.</summary>
/// <param name="Activations">N×d samples, row-major.</param>
/// <param name="Features">M×d unit feature directions, row-major.</param>
/// <param name="FiringProbabilities">pⱼ for each feature.</param>
/// <param name="ActiveCount">Total number of (sample, feature) activations.</param>
public sealed record SuperpositionData(float[] Activations, float[] Features, double[] FiringProbabilities, long ActiveCount);

/// <summary>
/// Synthetic ground truth for SAE recovery (the toy model of superposition, Elhage et al. 2022;
/// Sharkey et al. 2022): M random unit directions fⱼ in d &lt; M dimensions; sample x = Σⱼ aⱼ·fⱼ + noise,
/// where feature j is active independently with probability pⱼ ∝ (j+1)^−α (scaled so Σpⱼ equals the
/// mean number active) and an active aⱼ = |N(μ, σ²)|.
/// </summary>
public static class SuperpositionGenerator
{
    /// <summary>Generates the data set.</summary>
    public static SuperpositionData Generate(SuperpositionOptions o)
    {
        if (o.Features < 1 || o.Dimensions < 1 || o.Samples < 1)
            throw new ConceptDataException($"Superposition data needs positive sizes, got M={o.Features}, d={o.Dimensions}, N={o.Samples}.");
        if (!(o.MeanActive > 0) || o.MeanActive > o.Features)
            throw new ConceptDataException($"Mean active features {o.MeanActive} must be in (0, M={o.Features}].");
        var rng = new Random(o.Seed);
        int m = o.Features, d = o.Dimensions;
        var features = new float[m * d];
        for (int j = 0; j < m; j++)
        {
            var row = features.AsSpan(j * d, d);
            float norm;
            do
            {
                for (int t = 0; t < d; t++) row[t] = (float)Normal(rng);
                norm = TensorPrimitives.Norm(row);
            } while (norm == 0);
            TensorPrimitives.Divide(row, norm, row);
        }
        var p = new double[m];
        for (int j = 0; j < m; j++) p[j] = Math.Pow(j + 1, -o.PowerLawExponent);
        double scale = o.MeanActive / p.Sum();
        for (int j = 0; j < m; j++) p[j] = Math.Min(1, p[j] * scale);

        var x = new float[(long)o.Samples * d];
        long active = 0;
        for (int j = 0; j < m; j++)
        {
            // Firing samples of feature j by geometric gaps: O(number of firings), not O(N·M).
            double logQ = Math.Log(1 - p[j]);
            long s = -1;
            while (true)
            {
                s += p[j] >= 1 ? 1 : 1 + (long)Math.Floor(Math.Log(1 - rng.NextDouble()) / logQ);
                if (s >= o.Samples) break;
                float a = (float)Math.Abs(o.MagnitudeMean + o.MagnitudeStd * Normal(rng));
                TensorPrimitives.MultiplyAdd(features.AsSpan(j * d, d), a, x.AsSpan((int)(s * d), d), x.AsSpan((int)(s * d), d));
                active++;
            }
        }
        if (o.NoiseStd > 0)
            for (long q = 0; q < x.LongLength; q++) x[q] += (float)(o.NoiseStd * Normal(rng));
        return new SuperpositionData(x, features, p, active);
    }

    private static double Normal(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// Mean max cosine similarity: (1/M)·Σⱼ maxᵢ cos(fⱼ, W_dec,i), how well the decoder rows recover
    /// the planted features (Sharkey et al. 2022).
    /// </summary>
    public static double MeanMaxCosine(float[] features, float[] decoder, int d)
    {
        int m = features.Length / d, n = decoder.Length / d;
        var norms = new float[n];
        for (int i = 0; i < n; i++) norms[i] = TensorPrimitives.Norm(decoder.AsSpan(i * d, d));
        double total = 0;
        for (int j = 0; j < m; j++)
        {
            var f = features.AsSpan(j * d, d);
            float fn = TensorPrimitives.Norm(f);
            double best = -1;
            for (int i = 0; i < n; i++)
                if (norms[i] > 0) best = Math.Max(best, TensorPrimitives.Dot(f, decoder.AsSpan(i * d, d)) / (fn * norms[i]));
            total += best;
        }
        return total / m;
    }
}
