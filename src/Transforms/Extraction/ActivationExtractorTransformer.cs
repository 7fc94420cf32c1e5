using MlNetConcepts.Data;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// The activation extractor as a lazy view transform: a text column holding image paths (with
/// an <see cref="ImagePreprocessor"/>) or texts (with an <see cref="ITextTokenizer"/>) gains one
/// dense float vector column per requested tensor, one row per input row. Token selections must
/// therefore give one row per sample (cls, mean, end) or the tensor must have no token axis;
/// for all or random tokens use <see cref="ActivationFiles"/>, which writes rows per token.
/// </summary>
public sealed class ActivationExtractorTransformer : RowMapperTransformer, IDisposable
{
    private readonly ActivationExtractor _extractor;
    private readonly string _inputColumn;
    private readonly ImagePreprocessor? _images;
    private readonly ITextTokenizer? _tokenizer;
    private readonly ViewColumn[] _added;

    /// <summary>Creates the transformer; exactly one of <paramref name="images"/> and <paramref name="tokenizer"/> is given.</summary>
    public ActivationExtractorTransformer(ActivationExtractorOptions options, string inputColumn, ImagePreprocessor? images, ITextTokenizer? tokenizer, IReadOnlyList<string>? outputColumns = null)
    {
        if ((images == null) == (tokenizer == null)) throw new ConceptDataException("give either image preprocessing (the column holds image paths) or a tokenizer (the column holds texts).");
        if (!options.Tokens.OneRowPerSample) throw new ConceptDataException($"--tokens {options.Tokens} gives several rows per sample; a view transform keeps one row per input row (use cls, mean or end, or write files with ActivationFiles).");
        outputColumns ??= options.Tensors.Select(t => Path.GetFileNameWithoutExtension(ActivationFiles.FileName(t))).ToArray();
        if (outputColumns.Count != options.Tensors.Count) throw new ConceptDataException($"{outputColumns.Count} output column names for {options.Tensors.Count} tensors.");
        _extractor = new ActivationExtractor(options);
        _inputColumn = inputColumn;
        _images = images;
        _tokenizer = tokenizer;
        _added = new ViewColumn[outputColumns.Count];
        for (int t = 0; t < _added.Length; t++)
        {
            var name = _extractor.TensorNames[t];
            var info = _extractor.OutputInfo(name);
            var dims = info.Dims;
            long width = dims.Length switch { 2 or 3 => dims[^1], 4 => dims[1], _ => -1 };
            if (width <= 0)
                throw new ConceptDataException($"{options.ModelPath}: the width of tensor '{options.Tensors[t]}' is not known before running (shape {info.ShapeText}); use ActivationFiles instead.");
            _added[t] = new ViewColumn(outputColumns[t], ColumnType.DenseVector((int)width));
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<ViewColumn> GetAddedColumns(ViewSchema inputSchema)
    {
        var c = inputSchema[_inputColumn];
        if (c.Type.Kind != DataKind.String) throw new ConceptDataException($"Column '{_inputColumn}' must be a text column (image paths or texts), but it is {c.Type}.");
        return _added;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> GetInputColumns(ViewSchema inputSchema) => [_inputColumn];

    /// <inheritdoc />
    protected override void MapBlock(IBatchCursor input, BlockOutput output)
    {
        var values = input.GetStrings(input.Schema[_inputColumn].Index);
        ExtractionInput source = _images != null ? new ImageInput(values, _images) : new TextInput(values, _tokenizer!);
        var columns = _added.Select(a => new float[output.Rows * a.Type.VectorSize]).ToArray();
        _extractor.Run(source, blocks =>
        {
            for (int t = 0; t < blocks.Count; t++)
            {
                var b = blocks[t];
                int offset = (int)b.SampleIds[0] * b.Width;
                b.Values.CopyTo(columns[t], offset);
            }
        });
        for (int t = 0; t < _added.Length; t++) output.SetFloats(_added[t].Name, columns[t]);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _extractor.Dispose();
}

/// <summary>Catalog verbs of the activation extractor (ML.NET style: <c>context.Transforms.ExtractActivations(...)</c>).</summary>
public static class ActivationExtractorCatalog
{
    /// <summary>Extracts activations of images whose paths are in <paramref name="imagePathColumn"/>.</summary>
    public static ActivationExtractorTransformer ExtractImageActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string imagePathColumn, ImagePreprocessor preprocessor, IReadOnlyList<string>? outputColumns = null)
        => new(options with { Seed = catalog.Context.DeriveSeed(17) }, imagePathColumn, preprocessor, null, outputColumns);

    /// <summary>Extracts activations of the texts in <paramref name="textColumn"/>.</summary>
    public static ActivationExtractorTransformer ExtractTextActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string textColumn, ITextTokenizer tokenizer, IReadOnlyList<string>? outputColumns = null)
        => new(options with { Seed = catalog.Context.DeriveSeed(17) }, textColumn, null, tokenizer, outputColumns);
}
