using MlNetConcepts.Onnx;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// A fitted SAE as ONNX graphs (opset 17) for saving through ML.NET. ML.NET's <c>OnnxTransformer</c> runs one row at a
/// time and turns every symbolic dimension into 1 (so a [N, n] output would become a [1, n] column), hence the graphs
/// map one row: input [d], output [n]. Encoder: pre = (x − b_dec)·W_encᵀ + b_enc, then the variant's inference rule:
/// <list type="bullet">
/// <item>topk (Gao et al. 2024): the k largest pre-activations per row (ONNX TopK keeps the lower index on ties, as
/// <see cref="TopKVariant"/> does), ReLU, scattered into zeros;</item>
/// <item>relu, batchtopk and matryoshka (Bussmann et al. 2024, threshold at inference), jumprelu (Rajamanoharan et al.
/// 2024): z = pre where pre &gt; t, else 0, with t = max(0, θ) (relu: θ = 0; jumprelu: θ = exp(log θ)), the constants
/// <see cref="TopSelection.AboveThreshold"/> uses.</item>
/// </list>
/// Decoder: x̂ = z·W_dec + b_dec.
/// </summary>
public static class SaeOnnx
{
    /// <summary>The encoder graph: input <see cref="SaeTransformer.InputColumn"/> [d], output <see cref="SaeTransformer.OutputColumn"/> [n] (dense).</summary>
    public static byte[] Encoder(SaeTransformer sae) => Encoder(sae, sae.InputColumn, sae.OutputColumn);

    /// <summary>The encoder graph with the given input and output names.</summary>
    public static byte[] Encoder(SaeTransformer sae, string input, string output)
    {
        int d = sae.Inputs, n = sae.Latents;
        var w = sae.Weights;
        var encoderT = new float[(long)d * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) encoderT[(long)j * n + i] = w.EncoderWeight[(long)i * d + j];
        var g = new OnnxModelWriter()
            .Input(input, OnnxModelWriter.Float, d)
            .Output(output, OnnxModelWriter.Float, n)
            .Initializer("b_dec", w.DecoderBias, d)
            .Initializer("W_enc_t", encoderT, d, n)
            .Initializer("b_enc", w.EncoderBias, n)
            .Node("Sub", [input, "b_dec"], ["centred"])
            .Node("MatMul", ["centred", "W_enc_t"], ["projected"])
            .Node("Add", ["projected", "b_enc"], ["pre"]);
        if (sae.Variant is TopKVariant)
        {
            g.Initializer("k", new long[] { sae.Options.K }, 1)
             .Node("TopK", ["pre", "k"], ["top_values", "top_indices"], ("axis", -1L), ("largest", 1L), ("sorted", 1L))
             .Node("Relu", ["top_values"], ["kept"])
             .Node("Shape", ["pre"], ["pre_shape"])
             .Node("ConstantOfShape", ["pre_shape"], ["zeros"], ("value", new[] { 0f }))
             .Node("ScatterElements", ["zeros", "top_indices", "kept"], [output], ("axis", -1L));
        }
        else
        {
            g.Initializer("threshold", Thresholds(sae), n)
             .Initializer("zero", [0f])
             .Node("Greater", ["pre", "threshold"], ["active"])
             .Node("Where", ["active", "pre", "zero"], [output]);
        }
        return g.ToBytes("sae_encoder");
    }

    /// <summary>The decoder graph: input codes [n], output reconstruction [d].</summary>
    public static byte[] Decoder(SaeTransformer sae, string input, string output)
    {
        int d = sae.Inputs, n = sae.Latents;
        return new OnnxModelWriter()
            .Input(input, OnnxModelWriter.Float, n)
            .Output(output, OnnxModelWriter.Float, d)
            .Initializer("W_dec", sae.Weights.DecoderWeight, n, d)
            .Initializer("b_dec", sae.Weights.DecoderBias, d)
            .Node("MatMul", [input, "W_dec"], ["decoded"])
            .Node("Add", ["decoded", "b_dec"], [output])
            .ToBytes("sae_decoder");
    }

    /// <summary>True when the SAE's variant has an ONNX inference rule here (the built-in variants do).</summary>
    public static bool Supports(SaeTransformer sae) => sae.Variant is TopKVariant or ReluVariant or JumpReluVariant or BatchTopKVariant;

    /// <summary>Per-latent inference thresholds t = max(0, θ) of the threshold variants.</summary>
    private static float[] Thresholds(SaeTransformer sae)
    {
        var w = sae.Weights;
        int n = sae.Latents;
        (float[] theta, bool exponentiate) = sae.Variant switch
        {
            ReluVariant => ([0f], false),
            JumpReluVariant => (w.Threshold, true),
            BatchTopKVariant => (w.Threshold, false),
            _ => throw new ConceptDataException($"The SAE variant '{sae.Architecture}' has no ONNX inference rule; export it as a SAELens folder instead."),
        };
        var t = new float[n];
        for (int i = 0; i < n; i++)
        {
            float v = theta.Length == 1 ? theta[0] : theta[i];
            t[i] = Math.Max(0f, exponentiate ? MathF.Exp(v) : v);
        }
        return t;
    }
}
