namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The parameters of a sparse autoencoder with d inputs and n latents, in the layout the kernels
/// use: encoder and decoder both row-per-latent (n×d), so a latent's weights are contiguous.
/// pre = (x − b_dec)·W_encᵀ + b_enc; x̂ = z·W_dec + b_dec.
/// </summary>
public sealed class SaeWeights
{
    /// <summary>Allocates zeroed weights.</summary>
    public SaeWeights(int inputs, int latents, int thresholdLength)
    {
        if (inputs < 1 || latents < 1) throw new ArgumentOutOfRangeException(nameof(latents), "An SAE needs at least one input and one latent.");
        Inputs = inputs;
        Latents = latents;
        EncoderWeight = new float[(long)latents * inputs];
        EncoderBias = new float[latents];
        DecoderWeight = new float[(long)latents * inputs];
        DecoderBias = new float[inputs];
        Threshold = new float[thresholdLength];
    }

    /// <summary>Input width d.</summary>
    public int Inputs { get; }
    /// <summary>Number of latents n.</summary>
    public int Latents { get; }
    /// <summary>W_enc, n×d row-major (row i is latent i's encoder direction).</summary>
    public float[] EncoderWeight { get; }
    /// <summary>b_enc, n values.</summary>
    public float[] EncoderBias { get; }
    /// <summary>W_dec, n×d row-major (row i is latent i's dictionary atom).</summary>
    public float[] DecoderWeight { get; }
    /// <summary>b_dec, d values (subtracted before encoding, added after decoding).</summary>
    public float[] DecoderBias { get; }
    /// <summary>
    /// Variant state: jumprelu stores log θᵢ (n values, learned); batchtopk / matryoshka store the
    /// inference threshold θ (1 value when scalar, n when per latent); other variants store none.
    /// </summary>
    public float[] Threshold { get; }

    /// <summary>A deep copy.</summary>
    public SaeWeights Clone()
    {
        var c = new SaeWeights(Inputs, Latents, Threshold.Length);
        EncoderWeight.CopyTo(c.EncoderWeight, 0);
        EncoderBias.CopyTo(c.EncoderBias, 0);
        DecoderWeight.CopyTo(c.DecoderWeight, 0);
        DecoderBias.CopyTo(c.DecoderBias, 0);
        Threshold.CopyTo(c.Threshold, 0);
        return c;
    }

    /// <summary>The parameter arrays in a fixed order (for the optimiser and checkpoints).</summary>
    internal float[][] All => [EncoderWeight, EncoderBias, DecoderWeight, DecoderBias, Threshold];

    /// <summary>Names of <see cref="All"/>, in the same order.</summary>
    internal static readonly string[] Names = ["W_enc", "b_enc", "W_dec", "b_dec", "threshold"];
}
