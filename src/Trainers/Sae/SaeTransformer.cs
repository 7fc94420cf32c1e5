using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Compute;
using MlNetConcepts.Onnx;
using MlNetConcepts.Views;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// A fitted SAE as an ML.NET transformer: adds a sparse code column (a sparse <c>VBuffer&lt;float&gt;</c>, slot
/// names <c>concept_0…</c>, which can be renamed) computed from a raw activation column, and decodes or
/// reconstructs. Its weights work on raw activations: the training scale s is folded in (b_enc, b_dec and θ
/// multiplied by s, so codes are s times the codes of the scaled inputs and x̂ = z·W_dec + b_dec is on the raw
/// scale). <c>mlContext.Model.Save</c> writes it as an ML.NET <c>OnnxTransformer</c> of its encoder graph
/// (<see cref="SaeOnnx.Encoder(SaeTransformer)"/>; the codes then come back as a dense vector); the SAELens folder
/// (<see cref="SaeLensFormat"/>) keeps the full research format.
/// </summary>
public sealed class SaeTransformer : BlockMappingTransformer
{
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

    /// <summary>The input column.</summary>
    public string InputColumn => _options.InputColumn;
    /// <summary>The code column.</summary>
    public string OutputColumn => _options.OutputColumn;

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
    public override IReadOnlyList<string> InputColumns => [_options.InputColumn];

    /// <inheritdoc />
    public override IReadOnlyList<AddedColumn> AddedColumns(DataViewSchema input)
    {
        ViewColumns.RequireFloatVector(input, _options.InputColumn, Inputs);
        return [new AddedColumn(_options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, Latents), _slotNames)];
    }

    /// <inheritdoc />
    public override BlockOutputs MapBlock(IRowBlock input)
    {
        var x = input.Floats(_options.InputColumn).ToArray();
        var codes = Encode(x, input.BlockRows);
        int nnz = codes.Count;
        var output = new BlockOutputs(input.BlockRows);
        output.SetSparse(_options.OutputColumn, new SparseBatch(Latents, codes.RowStart.ToArray(), codes.Index[..nnz], codes.Value[..nnz]));
        return output;
    }

    /// <summary>Saves as an ML.NET <c>OnnxTransformer</c> of the encoder graph (public API only).</summary>
    public override void Save(ModelSaveContext ctx)
    {
        if (_options.InputColumn == _options.OutputColumn)
            throw new ConceptDataException($"An SAE saved as ONNX needs an output column other than its input '{_options.InputColumn}'.");
        OnnxModelSaving.Save(ctx, SaeOnnx.Encoder(this), [(_options.InputColumn, Inputs)], [_options.OutputColumn]);
    }
}
