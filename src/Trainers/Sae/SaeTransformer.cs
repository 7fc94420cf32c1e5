using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using MlNetConcepts.Compute;
using MlNetConcepts.Data;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// A fitted SAE as a transformer: adds a sparse code column (slot names <c>concept_0…</c>, which
/// can be renamed) computed from a raw activation column, and decodes or reconstructs. Its weights
/// work on raw activations: the training scale s is folded in (b_enc, b_dec and θ multiplied by s,
/// so codes are s times the codes of the scaled inputs and x̂ = z·W_dec + b_dec is on the raw scale).
/// Saved in the archive as kind "sae".
/// </summary>
public sealed class SaeTransformer : RowMapperTransformer, ISavableComponent
{
    /// <summary>The archive kind.</summary>
    public const string Kind = "sae";
    private readonly SaeVariant _variant;
    private readonly SaeOptions _options;
    private readonly string[] _slotNames;

    /// <summary>Creates a transformer from weights that already work on raw activations.</summary>
    public SaeTransformer(string architecture, SaeWeights weights, SaeOptions options, IReadOnlyList<string>? slotNames = null)
    {
        _variant = SaeVariants.Create(architecture);
        Weights = weights;
        _options = options;
        if (!_variant.AcceptsThresholdLength(weights.Threshold.Length, weights.Latents, options))
            throw new ConceptDataException($"A {architecture} SAE needs {_variant.ThresholdLength(weights.Latents, options)} threshold values, got {weights.Threshold.Length}.");
        _slotNames = slotNames?.ToArray() ?? Enumerable.Range(0, weights.Latents).Select(i => $"concept_{i}").ToArray();
        if (_slotNames.Length != weights.Latents) throw new ConceptDataException($"{_slotNames.Length} slot names were given for {weights.Latents} latents.");
    }

    internal static SaeTransformer FromTraining(SaeVariant variant, SaeOptions o, SaeWeights scaled, double scale)
    {
        var w = scaled.Clone();
        float s = (float)scale;
        TensorPrimitives.Multiply(w.EncoderBias, s, w.EncoderBias);
        TensorPrimitives.Multiply(w.DecoderBias, s, w.DecoderBias);
        for (int i = 0; i < w.Threshold.Length; i++)
            w.Threshold[i] = variant.ThresholdIsTrained ? w.Threshold[i] + MathF.Log(s) : w.Threshold[i] * s;
        return new SaeTransformer(variant.Name, w, o);
    }

    /// <summary>The variant's registry name.</summary>
    public string Architecture => _variant.Name;
    /// <summary>The variant.</summary>
    public SaeVariant Variant => _variant;
    /// <summary>Weights on the raw activation scale.</summary>
    public SaeWeights Weights { get; }
    /// <summary>The options (k, columns) the SAE was trained or loaded with.</summary>
    public SaeOptions Options => _options;
    /// <summary>Input width d.</summary>
    public int Inputs => Weights.Inputs;
    /// <summary>Number of latents n.</summary>
    public int Latents => Weights.Latents;
    /// <summary>Names of the code slots.</summary>
    public IReadOnlyList<string> SlotNames => _slotNames;

    /// <summary>A copy whose code slots carry other names (e.g. concept labels).</summary>
    public SaeTransformer WithSlotNames(IReadOnlyList<string> names) => new(Architecture, Weights, _options, names);

    /// <summary>A copy reading and writing other columns.</summary>
    public SaeTransformer WithColumns(string input, string output) => new(Architecture, Weights, _options with { InputColumn = input, OutputColumn = output }, _slotNames);

    internal static ViewColumn CodeColumn(string name, int latents, IReadOnlyList<string>? names)
        => new ViewColumn(name, ColumnType.SparseVector(latents))
            .WithSlotNames(names ?? Enumerable.Range(0, latents).Select(i => $"concept_{i}").ToArray());

    /// <summary>Pre-activations (x − b_dec)·W_encᵀ + b_enc for rows×d raw activations.</summary>
    public float[] PreActivations(float[] x, int rows)
    {
        int d = Inputs, n = Latents;
        if (x.Length != (long)rows * d)
            throw new ConceptDataException($"The SAE expects activations of width {d}, but got {x.Length} values for {rows} rows (width {(rows > 0 ? x.Length / (double)rows : 0):0.##}).");
        for (int q = 0; q < x.Length; q++)
            if (!float.IsFinite(x[q]))
                throw new ConceptDataException($"Activation row {q / d} has a non-finite value ({x[q]}) at position {q % d}.");
        var xc = new float[x.Length];
        for (int r = 0; r < rows; r++) TensorPrimitives.Subtract(x.AsSpan(r * d, d), Weights.DecoderBias, xc.AsSpan(r * d, d));
        var pre = new float[(long)rows * n];
        Gemm.MatMulTransB(xc, Weights.EncoderWeight, pre, rows, d, n);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(pre.AsSpan(r * n, n), Weights.EncoderBias, pre.AsSpan(r * n, n));
        return pre;
    }

    /// <summary>Sparse codes of rows×d raw activations.</summary>
    public SparseCodes Encode(float[] x, int rows)
    {
        var pre = PreActivations(x, rows);
        var codes = new SparseCodes(rows, rows * Math.Min(Latents, Math.Max(1, _options.K)));
        _variant.Encode(pre, rows, Weights, _options, codes, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads });
        return codes;
    }

    /// <summary>Dense reconstruction x̂ = z·W_dec + b_dec (touches only the active latents).</summary>
    public float[] Decode(SparseCodes codes)
    {
        int d = Inputs;
        var x = new float[codes.Rows * d];
        for (int r = 0; r < codes.Rows; r++)
        {
            var acc = x.AsSpan(r * d, d);
            Weights.DecoderBias.CopyTo(acc);
            for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++)
                TensorPrimitives.MultiplyAdd(Weights.DecoderWeight.AsSpan(codes.Index[e] * d, d), codes.Value[e], acc, acc);
        }
        return x;
    }

    /// <summary>decode(encode(x)).</summary>
    public float[] Reconstruct(float[] x, int rows) => Decode(Encode(x, rows));

    /// <inheritdoc />
    protected override IReadOnlyList<ViewColumn> GetAddedColumns(ViewSchema inputSchema)
    {
        var col = inputSchema.RequireVector(_options.InputColumn, allowSparse: true);
        if (col.Type.VectorSize != Inputs)
            throw new ConceptDataException($"Column '{_options.InputColumn}' has width {col.Type.VectorSize}, but the SAE expects activations of width {Inputs}.");
        return [CodeColumn(_options.OutputColumn, Latents, _slotNames)];
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> GetInputColumns(ViewSchema inputSchema) => [_options.InputColumn];

    /// <inheritdoc />
    protected override void MapBlock(IBatchCursor input, BlockOutput output)
    {
        var x = input.GetFloats(input.Schema[_options.InputColumn].Index).ToArray();
        var codes = Encode(x, output.Rows);
        int nnz = codes.Count;
        output.SetSparse(_options.OutputColumn, new SparseBatch(Latents, codes.RowStart.ToArray(), codes.Index[..nnz], codes.Value[..nnz]));
    }

    /// <inheritdoc />
    public string ComponentKind => Kind;

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        var o = context.Options;
        o["architecture"] = Architecture;
        o["inputs"] = Inputs;
        o["latents"] = Latents;
        o["k"] = _options.K;
        o["inputColumn"] = _options.InputColumn;
        o["outputColumn"] = _options.OutputColumn;
        var parameters = new JsonObject();
        foreach (var p in _variant.Parameters)
            if (p.Format(_options) is { } text) parameters[p.Name] = text;
        o["parameters"] = parameters;
        if (!_slotNames.Select((s, i) => s == $"concept_{i}").All(b => b)) o["slotNames"] = new JsonArray(_slotNames.Select(s => (JsonNode)s).ToArray());
        long d = Inputs, n = Latents;
        context.AddTensor("W_enc", Weights.EncoderWeight, n, d);
        context.AddTensor("b_enc", Weights.EncoderBias, n);
        context.AddTensor("W_dec", Weights.DecoderWeight, n, d);
        context.AddTensor("b_dec", Weights.DecoderBias, d);
        if (Weights.Threshold.Length > 0) context.AddTensor("threshold", Weights.Threshold, Weights.Threshold.Length);
    }

    /// <summary>Registers the "sae" loader.</summary>
    public static void Register(ModelLoaderRegistry registry) => registry.Register(Kind, 1, Load);

    private static SaeTransformer Load(ModelLoadContext ctx)
    {
        string arch = ctx.Option<string>("architecture");
        int d = ctx.Size("inputs"), n = ctx.Size("latents");
        var variant = SaeVariants.Create(arch);
        // The tensors first: their shapes are checked against the declared sizes before anything
        // is allocated from them, so a manifest claiming a billion latents fails here, cheaply.
        var wEnc = ctx.Floats("W_enc", n, d);
        var bEnc = ctx.Floats("b_enc", n);
        var wDec = ctx.Floats("W_dec", n, d);
        var bDec = ctx.Floats("b_dec", d);
        var threshold = ctx.HasTensor("threshold") ? ctx.Floats("threshold", [null]) : [];
        var options = new SaeOptions
        {
            Architecture = variant.Name,
            K = ctx.Option<int>("k"),
            InputColumn = ctx.Option<string>("inputColumn"),
            OutputColumn = ctx.Option<string>("outputColumn"),
            Latents = n,
        };
        // The variant's own parameters, by the names it declares; ones it no longer declares are ignored.
        if (ctx.Options["parameters"] is JsonObject saved)
            foreach (var p in variant.Parameters)
                if (saved[p.Name]?.GetValue<string>() is { } text)
                {
                    try { options = p.Apply(options, text); }
                    catch (ConceptDataException e) { throw new ConceptDataException($"{ctx.Source}: saved parameter {e.Message}", e); }
                }
        var w = new SaeWeights(d, n, threshold.Length);
        wEnc.CopyTo(w.EncoderWeight, 0);
        bEnc.CopyTo(w.EncoderBias, 0);
        wDec.CopyTo(w.DecoderWeight, 0);
        bDec.CopyTo(w.DecoderBias, 0);
        threshold.CopyTo(w.Threshold, 0);
        var names = (ctx.Options["slotNames"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToArray();
        return new SaeTransformer(arch, w, options, names);
    }
}
