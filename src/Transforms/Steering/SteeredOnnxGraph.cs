using Google.Protobuf;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Onnx.Split;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// The steered model as one ONNX graph, for saving: the original graph with the SAE's
/// encode → intervene → decode inserted as ONNX operators right after the node that computes the
/// steered tensor t, and every reader of t reading the steered tensor instead. The interventions
/// applied in order to one concept are an affine map z_k ← a_k·z_k + b_k (set: a = 0, b = α; add:
/// a = 1, b = α; scale: a = α, b = 0; zero: a = b = 0, composed left to right), so for all concepts
/// at once z′ − z = z ⊙ (a − 1) + b, and the inserted operators compute
/// pre = (t − b_dec)·W_encᵀ + b_enc; z = ScatterElements(0, TopK(pre, k).indices, ReLU(TopK values));
/// t′ = t + (z′ − z)·W_dec (error kept) or z·W_dec + b_dec + (z′ − z)·W_dec (dropped).
/// Tokens are the last axis ([B, d], [B, T, d]); a [B, C, H, W] map is transposed to channels-last
/// and back. The graph's only input is the flattened input column (reshaped to the model input) and
/// its only output the output column. TopK SAEs only; opset 11 or later (ScatterElements).
/// </summary>
internal static class SteeredOnnxGraph
{
    public static byte[] Build(SteeringTransformer s)
    {
        var o = s.Options;
        var sae = o.Sae;
        if (sae.Architecture != "topk")
            throw new NotSupportedException($"saving a steering transformer is implemented for TopK SAEs; this SAE is '{sae.Architecture}'.");
        var bytes = File.ReadAllBytes(o.ModelPath);
        var g = WireGraph.Parse(bytes, o.ModelPath);
        if (ExternalData.Any(g)) g = WireGraph.Parse(ExternalData.Inline(g, Path.GetDirectoryName(Path.GetFullPath(o.ModelPath))!), o.ModelPath);
        int opset = Opset(g);
        if (opset < 11) throw new NotSupportedException($"{o.ModelPath}: opset {opset}; the saved steering graph needs opset 11 or later (ScatterElements).");
        string t = s.Model.Tensor;
        if (g.Nodes.Any(n => n.OuterReads.Contains(t)))
            throw new NotSupportedException($"{o.ModelPath}: tensor '{t}' is read inside a subgraph (If/Loop/Scan), which the saved steering graph does not rewrite.");
        var producer = g.Nodes.First(n => n.Outputs.Contains(t));
        int rank = s.Model.Split.Tensor.Dims.Length;
        int d = sae.Inputs, n = sae.Latents;

        // Affine form of the interventions.
        var a = Enumerable.Repeat(1f, n).ToArray();
        var b = new float[n];
        foreach (var iv in s.Steering.Interventions)
        {
            int k = iv.Concept;
            (a[k], b[k]) = iv.Kind switch
            {
                InterventionKind.Set => (0f, iv.Alpha),
                InterventionKind.Add => (a[k], b[k] + iv.Alpha),
                InterventionKind.Scale => (a[k] * iv.Alpha, b[k] * iv.Alpha),
                _ => (0f, 0f),
            };
        }
        var aMinusOne = a.Select(v => v - 1).ToArray();
        var wEncT = new float[d * n];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < d; j++) wEncT[j * n + k] = sae.Weights.EncoderWeight[k * d + j];

        const string P = "steer/";
        string x = t;
        var nodes = new List<byte[]>();
        if (rank == 4) { nodes.Add(OnnxNodes.Node("Transpose", P + "to_last", [t], [P + "x"], ("perm", new long[] { 0, 2, 3, 1 }, true))); x = P + "x"; }
        nodes.Add(OnnxNodes.Node("Sub", P + "center", [x, P + "b_dec"], [P + "xc"]));
        nodes.Add(OnnxNodes.Node("MatMul", P + "encode", [P + "xc", P + "W_enc_t"], [P + "pre0"]));
        nodes.Add(OnnxNodes.Node("Add", P + "bias", [P + "pre0", P + "b_enc"], [P + "pre"]));
        nodes.Add(OnnxNodes.Node("TopK", P + "topk", [P + "pre", P + "k"], [P + "top_values", P + "top_indices"], ("axis", new long[] { -1 }, false)));
        nodes.Add(OnnxNodes.Node("Relu", P + "relu", [P + "top_values"], [P + "top_relu"]));
        nodes.Add(OnnxNodes.Node("Mul", P + "zeros", [P + "pre", P + "zero"], [P + "z0"]));
        nodes.Add(OnnxNodes.Node("ScatterElements", P + "codes", [P + "z0", P + "top_indices", P + "top_relu"], [P + "z"], ("axis", new long[] { -1 }, false)));
        nodes.Add(OnnxNodes.Node("Mul", P + "scale", [P + "z", P + "a_minus_1"], [P + "dz0"]));
        nodes.Add(OnnxNodes.Node("Add", P + "shift", [P + "dz0", P + "b"], [P + "dz"]));
        nodes.Add(OnnxNodes.Node("MatMul", P + "delta", [P + "dz", P + "W_dec"], [P + "delta"]));
        string baseline = x;
        if (!o.KeepReconstructionError)
        {
            nodes.Add(OnnxNodes.Node("MatMul", P + "decode", [P + "z", P + "W_dec"], [P + "xhat0"]));
            nodes.Add(OnnxNodes.Node("Add", P + "decode_bias", [P + "xhat0", P + "b_dec"], [P + "xhat"]));
            baseline = P + "xhat";
        }
        string steered = P + "steered";
        nodes.Add(OnnxNodes.Node("Add", P + "apply", [baseline, P + "delta"], [rank == 4 ? P + "steered_last" : steered]));
        if (rank == 4) nodes.Add(OnnxNodes.Node("Transpose", P + "to_first", [P + "steered_last"], [steered], ("perm", new long[] { 0, 3, 1, 2 }, true)));

        var w = new GraphWriter(g);
        foreach (var r in g.Other) w.Copy(r);
        w.Raw(OnnxNodes.Node("Reshape", P + "input", [s.InputColumnName, P + "input_shape"], [s.ModelInput]));
        foreach (var node in g.Nodes)
        {
            if (node.Inputs.Contains(t)) w.Raw(OnnxNodes.RenameInput(g, node, t, steered));
            else w.Copy(node.Range);
            if (ReferenceEquals(node, producer)) foreach (var add in nodes) w.Raw(add);
        }
        w.Raw(OnnxNodes.Node("Identity", P + "output", [s.ModelOutput], [s.OutputColumnName]));
        foreach (var r in g.Initializers.Values) w.Copy(r);
        w.Raw(OnnxNodes.Int64Tensor(P + "input_shape", new long[] { -1 }.Concat(s.RowShape).ToArray(), 1 + s.RowShape.Length));
        w.Raw(OnnxNodes.FloatTensor(P + "b_dec", sae.Weights.DecoderBias, d));
        w.Raw(OnnxNodes.FloatTensor(P + "W_enc_t", wEncT, d, n));
        w.Raw(OnnxNodes.FloatTensor(P + "b_enc", sae.Weights.EncoderBias, n));
        w.Raw(OnnxNodes.Int64Tensor(P + "k", new long[] { Math.Min(n, sae.Options.K) }, 1));
        w.Raw(OnnxNodes.FloatTensor(P + "zero", new float[] { 0f }));
        w.Raw(OnnxNodes.FloatTensor(P + "a_minus_1", aMinusOne, n));
        w.Raw(OnnxNodes.FloatTensor(P + "b", b, n));
        w.Raw(OnnxNodes.FloatTensor(P + "W_dec", sae.Weights.DecoderWeight, n, d));
        foreach (var (name, r) in g.Inputs)
        {
            if (g.Initializers.ContainsKey(name)) { w.Copy(r); continue; }
            if (name != s.ModelInput)
                throw new NotSupportedException($"{o.ModelPath}: the model has another input '{name}'; the saved steering graph feeds only '{s.ModelInput}'.");
        }
        w.ValueInfo(11, new OnnxTensorInfo(s.InputColumnName, OnnxElementType.Float, [-1, s.InputWidth], ["batch", ""]));
        w.ValueInfo(12, new OnnxTensorInfo(s.OutputColumnName, OnnxElementType.Float, [-1, s.OutputWidth], ["batch", ""]));
        return w.ToModel();
    }

    /// <summary>The default-domain opset of the model (ModelProto.opset_import = 8: domain = 1, version = 2).</summary>
    private static int Opset(WireGraph g)
    {
        var m = g.Model;
        foreach (var (field, wire, _, b, e) in OnnxGraph.Fields(m, 0, m.Length))
        {
            if (field != 8 || wire != WireFormat.WireType.LengthDelimited) continue;
            string domain = "";
            long version = 0;
            foreach (var (f, fw, _, vb, ve) in OnnxGraph.Fields(m, b, e))
            {
                if (f == 1 && fw == WireFormat.WireType.LengthDelimited) domain = OnnxGraph.Utf8(m, vb, ve);
                else if (f == 2 && fw == WireFormat.WireType.Varint) version = new CodedInputStream(m, vb, ve - vb).ReadInt64();
            }
            if (domain is "" or "ai.onnx") return (int)version;
        }
        return 0;
    }
}
