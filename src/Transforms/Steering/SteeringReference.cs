using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// The plain form of <see cref="ConceptSteering"/>, for tests: dense codes z of every latent,
/// interventions applied to a copy z', both decoded in full in float64
/// (x̂ = Σ_k z_k·D_k + b_dec), then x' = x + x̂' − x̂ or x' = x̂'.
/// </summary>
public static class SteeringReference
{
    /// <summary>Steered tokens of rows×d <paramref name="tokens"/>.</summary>
    public static float[] Apply(SaeTransformer sae, IReadOnlyList<ConceptIntervention> interventions, bool keepReconstructionError, float[] tokens, int rows)
    {
        ConceptSteering.Validate(sae, interventions);
        int d = sae.Inputs, n = sae.Latents;
        var z = sae.Encode(tokens, rows).ToDense(n);
        var w = sae.Weights;
        var y = new float[tokens.Length];
        var zr = new float[n];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(z, (long)r * n, zr, 0, n);
            foreach (var iv in interventions) zr[iv.Concept] = iv.Apply(zr[iv.Concept]);
            for (int j = 0; j < d; j++)
            {
                double before = w.DecoderBias[j], after = w.DecoderBias[j];
                for (int k = 0; k < n; k++)
                {
                    before += (double)z[(long)r * n + k] * w.DecoderWeight[(long)k * d + j];
                    after += (double)zr[k] * w.DecoderWeight[(long)k * d + j];
                }
                y[r * d + j] = (float)(keepReconstructionError ? tokens[r * d + j] + (after - before) : after);
            }
        }
        return y;
    }
}
