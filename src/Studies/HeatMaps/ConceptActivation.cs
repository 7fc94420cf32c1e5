using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>One concept's activation on each of <paramref name="count"/> activation rows (row-major, count × width).</summary>
public delegate float[] ConceptActivation(float[] rows, int count);

/// <summary>Common concept activations.</summary>
public static class ConceptActivations
{
    /// <summary>Code of SAE latent <paramref name="latent"/> (the SAE's own encoding, e.g. after TopK).</summary>
    public static ConceptActivation SaeLatent(SaeTransformer sae, int latent)
    {
        if ((uint)latent >= (uint)sae.Latents) throw new ConceptDataException($"latent {latent} is out of range: the SAE has {sae.Latents}.", ["latent"]);
        return (rows, count) =>
        {
            var dense = sae.Encode(rows, count).ToDense(sae.Latents);
            var v = new float[count];
            for (int r = 0; r < count; r++) v[r] = dense[(long)r * sae.Latents + latent];
            return v;
        };
    }

    /// <summary>Projection on a direction: ⟨x, d⟩ (a linear probe, or a concept vector).</summary>
    public static ConceptActivation Direction(float[] direction) => (rows, count) =>
    {
        int width = direction.Length;
        if (rows.Length != (long)count * width) throw new ConceptDataException($"rows are {rows.Length / Math.Max(count, 1)} wide but the direction has {direction.Length} values.");
        var v = new float[count];
        for (int r = 0; r < count; r++)
        {
            double s = 0;
            for (int i = 0; i < width; i++) s += (double)rows[r * width + i] * direction[i];
            v[r] = (float)s;
        }
        return v;
    };
}
