using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// The SAE's concepts on a set of images, from the tokens of the steered tensor. An image's
/// activation of concept k is z_k on the image's first token (CLS): Pach et al. 2025 (sec. 4.1)
/// compute MonoSemanticity on CLS-token activations, and the demo's image embedding is read
/// from that token alone (the last block's other tokens never reach the output), so a concept
/// that fires only on patch tokens there could be neither seen nor suppressed in the embedding.
/// Each concept's largest activation on any token sets the scale of the interventions; each
/// image's CLS token feeds the DiffMean directions.
/// </summary>
internal sealed class ConceptProfile
{
    public required int Images { get; init; }
    public required int Latents { get; init; }
    public required int Width { get; init; }
    /// <summary>Image-level activations (z_k on the CLS token), images × latents.</summary>
    public required float[] ImageActivation { get; init; }
    /// <summary>Largest activation of each latent over every token.</summary>
    public required float[] TokenMax { get; init; }
    /// <summary>Images on which each latent fires on some token other than the CLS token and not on the CLS token.</summary>
    public required int[] ElsewhereOnly { get; init; }
    /// <summary>CLS token of each image, images × d.</summary>
    public required float[] ClsToken { get; init; }

    /// <summary>Profiles <paramref name="tokens"/>: images × tokensPerImage rows of width d, the CLS token first.</summary>
    public static ConceptProfile Of(SaeTransformer sae, float[] tokens, int images, int tokensPerImage)
    {
        int n = sae.Latents, d = sae.Inputs;
        var act = new float[(long)images * n];
        var tokenMax = new float[n];
        var elsewhereOnly = new int[n];
        var cls = new float[images * d];
        var elsewhere = new bool[n];
        const int Chunk = 256;
        for (int first = 0; first < images; first += Chunk)
        {
            int count = Math.Min(Chunk, images - first);
            var block = tokens[(first * tokensPerImage * d)..((first + count) * tokensPerImage * d)];
            var codes = sae.Encode(block, count * tokensPerImage);
            for (int i = 0; i < count; i++)
            {
                Array.Clear(elsewhere);
                for (int t = 0; t < tokensPerImage; t++)
                {
                    int row = i * tokensPerImage + t;
                    for (int e = codes.RowStart[row]; e < codes.RowStart[row + 1]; e++)
                    {
                        int k = codes.Index[e];
                        float z = codes.Value[e];
                        if (z > tokenMax[k]) tokenMax[k] = z;
                        if (t == 0) act[(long)(first + i) * n + k] = z;
                        else if (z > 0) elsewhere[k] = true;
                    }
                }
                for (int k = 0; k < n; k++)
                    if (elsewhere[k] && act[(long)(first + i) * n + k] <= 0) elsewhereOnly[k]++;
                Array.Copy(block, i * tokensPerImage * d, cls, (first + i) * d, d);
            }
        }
        return new ConceptProfile { Images = images, Latents = n, Width = d, ImageActivation = act, TokenMax = tokenMax, ElsewhereOnly = elsewhereOnly, ClsToken = cls };
    }

    public float Activation(int image, int concept) => ImageActivation[(long)image * Latents + concept];

    /// <summary>Images where the concept fires.</summary>
    public int Support(int concept) => Enumerable.Range(0, Images).Count(i => Activation(i, concept) > 0);

    /// <summary>The <paramref name="count"/> images with the largest activation (ties: lower index first).</summary>
    public int[] Top(int concept, int count) => Enumerable.Range(0, Images).Where(i => Activation(i, concept) > 0)
        .OrderByDescending(i => Activation(i, concept)).ThenBy(i => i).Take(count).ToArray();

    /// <summary>
    /// The class whose images activate the concept most: argmax over classes c of the mean
    /// activation over the images of class c (ties: lower class first).
    /// </summary>
    public int MatchedClass(int concept, int[] labels, int classes)
    {
        var sum = new double[classes];
        var count = new int[classes];
        for (int i = 0; i < Images; i++)
        {
            sum[labels[i]] += Activation(i, concept);
            count[labels[i]]++;
        }
        int best = -1;
        double bestMean = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            if (count[c] == 0) continue;
            double mean = sum[c] / count[c];
            if (mean > bestMean) (best, bestMean) = (c, mean);
        }
        return best;
    }

    /// <summary>
    /// DiffMean direction (Arditi et al. 2024): mean CLS token of the images where the concept
    /// fires minus mean CLS token of the images where it does not.
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
            for (int j = 0; j < Width; j++) acc[j] += ClsToken[i * Width + j];
        }
        if (nWith == 0 || nWithout == 0) throw new ConceptDataException($"concept {concept} fires on {nWith} of {Images} images; DiffMean needs images with and without it.");
        return Enumerable.Range(0, Width).Select(j => (float)(with[j] / nWith - without[j] / nWithout)).ToArray();
    }
}
