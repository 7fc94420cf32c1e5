using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// The SAE's concepts on a set of images, from the tokens of the steered tensor: each image's
/// activation of concept k is its largest z_k over the image's tokens (the concept is present
/// somewhere in the image); each concept's largest activation on any token sets the scale of
/// the interventions; each image's mean token feeds the DiffMean directions.
/// </summary>
internal sealed class ConceptProfile
{
    public required int Images { get; init; }
    public required int Latents { get; init; }
    public required int Width { get; init; }
    /// <summary>Image-level activations, images × latents.</summary>
    public required float[] ImageActivation { get; init; }
    /// <summary>Largest activation of each latent over every token.</summary>
    public required float[] TokenMax { get; init; }
    /// <summary>Mean token of each image, images × d.</summary>
    public required float[] MeanToken { get; init; }

    /// <summary>Profiles <paramref name="tokens"/>: images × tokensPerImage rows of width d.</summary>
    public static ConceptProfile Of(SaeTransformer sae, float[] tokens, int images, int tokensPerImage)
    {
        int n = sae.Latents, d = sae.Inputs;
        var act = new float[(long)images * n];
        var tokenMax = new float[n];
        var mean = new float[images * d];
        const int Chunk = 256;
        for (int first = 0; first < images; first += Chunk)
        {
            int count = Math.Min(Chunk, images - first);
            var block = tokens[(first * tokensPerImage * d)..((first + count) * tokensPerImage * d)];
            var codes = sae.Encode(block, count * tokensPerImage);
            for (int i = 0; i < count; i++)
                for (int t = 0; t < tokensPerImage; t++)
                {
                    int row = i * tokensPerImage + t;
                    for (int e = codes.RowStart[row]; e < codes.RowStart[row + 1]; e++)
                    {
                        int k = codes.Index[e];
                        float z = codes.Value[e];
                        ref float a = ref act[(long)(first + i) * n + k];
                        if (z > a) a = z;
                        if (z > tokenMax[k]) tokenMax[k] = z;
                    }
                    for (int j = 0; j < d; j++) mean[(first + i) * d + j] += block[row * d + j] / tokensPerImage;
                }
        }
        return new ConceptProfile { Images = images, Latents = n, Width = d, ImageActivation = act, TokenMax = tokenMax, MeanToken = mean };
    }

    public float Activation(int image, int concept) => ImageActivation[(long)image * Latents + concept];

    /// <summary>Images where the concept fires.</summary>
    public int Support(int concept) => Enumerable.Range(0, Images).Count(i => Activation(i, concept) > 0);

    /// <summary>The <paramref name="count"/> images with the largest activation (ties: lower index first).</summary>
    public int[] Top(int concept, int count) => Enumerable.Range(0, Images).Where(i => Activation(i, concept) > 0)
        .OrderByDescending(i => Activation(i, concept)).ThenBy(i => i).Take(count).ToArray();

    /// <summary>
    /// DiffMean direction (Arditi et al. 2024): mean token of the images where the concept fires
    /// minus mean token of the images where it does not.
    /// </summary>
    public float[] DiffMean(int concept)
    {
        var with = new double[Width];
        var without = new double[Width];
        int nWith = 0, nWithout = 0;
        for (int i = 0; i < Images; i++)
        {
            bool on = Activation(i, concept) > 0;
            var acc = on ? with : without;
            if (on) nWith++; else nWithout++;
            for (int j = 0; j < Width; j++) acc[j] += MeanToken[i * Width + j];
        }
        if (nWith == 0 || nWithout == 0) throw new ConceptDataException($"concept {concept} fires on {nWith} of {Images} images; DiffMean needs images with and without it.");
        return Enumerable.Range(0, Width).Select(j => (float)(with[j] / nWith - without[j] / nWithout)).ToArray();
    }
}
