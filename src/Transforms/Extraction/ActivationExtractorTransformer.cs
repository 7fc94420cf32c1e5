using MlNetConcepts.Views;
using MlNetConcepts.Onnx;
using Microsoft.ML.Data;
using Microsoft.ML;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// The activation extractor as an ML.NET transformer: a text column holding image paths (with an
/// <see cref="ImagePreprocessor"/>) or texts (with an <see cref="ITextTokenizer"/>) gains one dense float vector
/// column per requested tensor, one row per input row. Token selections must therefore give one row per sample
/// (cls, mean, end) or the tensor must have no token axis; for all or random tokens use <see cref="ActivationFiles"/>,
/// which writes rows per token. <c>mlContext.Model.Save</c> writes the tapped ONNX model itself (the model with the
/// layer taps as outputs and the token selection as appended nodes) as an ML.NET <c>OnnxTransformer</c>: the saved
/// model reads the model's own input tensor (preprocessed pixels or token ids), since decoding images and
/// tokenizing are not ONNX operations.
/// </summary>
public sealed class ActivationExtractorTransformer : BlockMappingTransformer, IDisposable
{
    private readonly ActivationExtractor _extractor;
    private readonly string _inputColumn;
    private readonly ImagePreprocessor? _images;
    private readonly ITextTokenizer? _tokenizer;
    private readonly AddedColumn[] _added;
    private readonly OnnxTensorInfo[] _tapInfo;

    /// <summary>Creates the transformer; exactly one of <paramref name="images"/> and <paramref name="tokenizer"/> is given.</summary>
    public ActivationExtractorTransformer(ActivationExtractorOptions options, string inputColumn, ImagePreprocessor? images, ITextTokenizer? tokenizer, IReadOnlyList<string>? outputColumns = null)
    {
        if ((images == null) == (tokenizer == null)) throw new ConceptDataException("give either image preprocessing (the column holds image paths) or a tokenizer (the column holds texts).");
        if (!options.Tokens.OneRowPerSample) throw new ConceptDataException($"{nameof(options.Tokens)} {options.Tokens} gives several rows per sample; a view transform keeps one row per input row (use cls, mean or end, or write files with ActivationFiles).", [nameof(options.Tokens)]);
        outputColumns ??= options.Tensors.Select(t => Path.GetFileNameWithoutExtension(ActivationFiles.FileName(t))).ToArray();
        if (outputColumns.Count != options.Tensors.Count) throw new ConceptDataException($"{outputColumns.Count} output column names for {options.Tensors.Count} tensors.");
        _extractor = new ActivationExtractor(options);
        _inputColumn = inputColumn;
        _images = images;
        _tokenizer = tokenizer;
        _added = new AddedColumn[outputColumns.Count];
        _tapInfo = new OnnxTensorInfo[outputColumns.Count];
        for (int t = 0; t < _added.Length; t++)
        {
            var name = _extractor.TensorNames[t];
            var info = _tapInfo[t] = _extractor.OutputInfo(name);
            var dims = info.Dims;
            long width = dims.Length switch { 2 or 3 => dims[^1], 4 => dims[1], _ => -1 };
            if (width <= 0)
                throw new ConceptDataException($"{options.ModelPath}: the width of tensor '{options.Tensors[t]}' is not known before running (shape {info.ShapeText}); use ActivationFiles instead.");
            _added[t] = new AddedColumn(outputColumns[t], new VectorDataViewType(NumberDataViewType.Single, (int)width));
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputColumns => [_inputColumn];

    /// <summary>
    /// Eight model batches per block (at least <see cref="BlockMappingTransformer.CursorBlockRows"/>):
    /// inside a block the extractor overlaps decoding and copying with ONNX Runtime, but not across
    /// blocks, so the first batch's decoding and the last one's copying of each block are not hidden.
    /// </summary>
    public override int BlockRows => Math.Max(CursorBlockRows, 8 * (_extractor.FixedBatch > 0 ? _extractor.FixedBatch : _extractor.Options.BatchSize));

    /// <inheritdoc />
    public override IReadOnlyList<AddedColumn> AddedColumns(DataViewSchema input)
    {
        var c = ViewColumns.Require(input, _inputColumn);
        if (c.Type is not TextDataViewType) throw new ConceptDataException($"Column '{_inputColumn}' must be a text column (image paths or texts), but it is {c.Type}.");
        return _added;
    }

    /// <inheritdoc />
    public override BlockOutputs MapBlock(IRowBlock input)
    {
        var values = input.Strings(_inputColumn).ToArray();
        ExtractionInput source = _images != null ? new ImageInput(values, _images) : new TextInput(values, _tokenizer!);
        var columns = _added.Select(a => new float[input.BlockRows * ((VectorDataViewType)a.Type).Size]).ToArray();
        _extractor.Run(source, blocks =>
        {
            for (int t = 0; t < blocks.Count; t++)
            {
                var b = blocks[t];
                int offset = (int)b.SampleIds[0] * b.Width;
                b.Values.CopyTo(columns[t], offset);
            }
        });
        var output = new BlockOutputs(input.BlockRows);
        for (int t = 0; t < _added.Length; t++) output.SetFloats(_added[t].Name, columns[t]);
        return output;
    }

    /// <summary>The model's input tensor as the session declares it.</summary>
    public OnnxTensorInfo InputTensor => _extractor.Input;

    /// <summary>The model's input tensor: its name and its ML.NET column type (a fixed-size vector of the element type).</summary>
    public (string Name, DataViewType Type) ModelInput
    {
        get
        {
            var info = _extractor.Input;
            if (info.Dims.Skip(1).Any(d => d <= 0))
                throw new ConceptDataException($"{_extractor.Options.ModelPath}: input '{info.Name}' has shape {info.ShapeText}; saving needs every dimension but the batch fixed.");
            int size = checked((int)info.Dims.Skip(1).Aggregate(1L, (a, d) => a * d));
            PrimitiveDataViewType item = info.ElementType switch
            {
                OnnxElementType.Float => NumberDataViewType.Single,
                OnnxElementType.Int64 => NumberDataViewType.Int64,
                OnnxElementType.Int32 => NumberDataViewType.Int32,
                _ => throw new ConceptDataException($"{_extractor.Options.ModelPath}: input '{info.Name}' holds {info.ElementType}; saving supports float, int64 and int32 inputs."),
            };
            return (info.Name, new VectorDataViewType(item, size));
        }
    }

    /// <summary>
    /// The tapped model as bytes: the model with, per output column, nodes selecting the rows this transformer gives
    /// (rank 2: the tensor itself; rank 3 [N, tokens, width]: token 0 by Gather for cls, ReduceMean over tokens for mean
    /// of images; rank 4 [N, C, H, W]: ReduceMean over H and W for mean, position (0, 0) for cls), reshaped to one row
    /// [width] (ML.NET feeds one sample at a time) and named after the column.
    /// </summary>
    public byte[] TappedModelBytes()
    {
        var o = _extractor.Options;
        var graph = OnnxGraph.Read(o.ModelPath, out var bytes);
        var nodes = new OnnxModelWriter().Initializer("mlnc_token0", new long[] { 0 });
        for (int t = 0; t < _added.Length; t++)
        {
            string tap = _extractor.TensorNames[t], column = _added[t].Name;
            var dims = _tapInfo[t].Dims;
            int width = ((VectorDataViewType)_added[t].Type).Size;
            string rows = $"mlnc_rows_{t}";
            switch (dims.Length, o.Tokens.Mode)
            {
                case (2, _): nodes.Node("Identity", [tap], [rows]); break;
                case (3, TokenMode.Cls): nodes.Node("Gather", [tap, "mlnc_token0"], [rows], ("axis", 1L)); break;
                case (3, TokenMode.Mean) when _images is not null: nodes.Node("ReduceMean", [tap], [rows], ("axes", new long[] { 1 }), ("keepdims", 0L)); break;
                case (4, TokenMode.Mean): nodes.Node("ReduceMean", [tap], [rows], ("axes", new long[] { 2, 3 }), ("keepdims", 0L)); break;
                case (4, TokenMode.Cls):
                    nodes.Initializer($"mlnc_shape_{t}", new long[] { 0, width, -1 }, 3)
                         .Node("Reshape", [tap, $"mlnc_shape_{t}"], [$"mlnc_tokens_{t}"])
                         .Node("Gather", [$"mlnc_tokens_{t}", "mlnc_token0"], [rows], ("axis", 2L));
                    break;
                default:
                    throw new ConceptDataException($"{o.ModelPath}: tensor '{o.Tensors[t]}' with token selection {o.Tokens} of {(_images is null ? "texts" : "images")} depends on each text's end token, which the saved ONNX model cannot locate; save the downstream components instead.");
            }
            // ML.NET runs one row at a time and reads a [1, width] output as a 1 × width column: the row leaves as [width].
            nodes.Initializer($"mlnc_width_{t}", new long[] { width }, 1)
                 .Node("Reshape", [rows, $"mlnc_width_{t}"], [column])
                 .Output(column, OnnxModelWriter.Float, width);
        }
        return graph.WithGraphFields(bytes, nodes.GraphFields());
    }

    /// <summary>Saves as an ML.NET <c>OnnxTransformer</c> of <see cref="TappedModelBytes"/> reading <see cref="ModelInput"/>.</summary>
    public override void Save(ModelSaveContext ctx)
        => OnnxModelSaving.Save(ctx, TappedModelBytes(), [ModelInput], _added.Select(a => a.Name).ToArray());

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _extractor.Dispose();
}
