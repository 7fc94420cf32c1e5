using System.Text.Json.Nodes;
using MlNetConcepts.Data;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Transforms.Onnx;
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
public sealed class ActivationExtractorTransformer : RowMapperTransformer, IDisposable, ISavableComponent
{
    /// <summary>Component kind in model archives.</summary>
    public const string Kind = "ActivationExtractor";

    private readonly ActivationExtractor _extractor;
    private readonly string _inputColumn;
    private readonly ImagePreprocessor? _images;
    private readonly ITextTokenizer? _tokenizer;
    private readonly ViewColumn[] _added;

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

    /// <inheritdoc />
    public string ComponentKind => Kind;

    /// <summary>
    /// Saves the settings (version 1). The ONNX model and tokenizer files are referenced by full
    /// path, not copied: models can be gigabytes, and the archive stays small.
    /// </summary>
    public void Save(ModelSaveContext context)
    {
        var o = _extractor.Options;
        var j = context.Options;
        j["model"] = Path.GetFullPath(o.ModelPath);
        j["tensors"] = Strings(o.Tensors);
        j["tokens"] = o.Tokens.ToString();
        j["seed"] = o.Seed;
        j["batchSize"] = o.BatchSize;
        j["intraOpThreads"] = o.Session.IntraOpThreads;
        j["inputColumn"] = _inputColumn;
        j["outputColumns"] = Strings(_added.Select(a => a.Name));
        if (_images is { } p)
        {
            j["input"] = "image";
            j["channels"] = p.Channels;
            j["resizeShorterSide"] = p.ResizeShorterSide;
            j["cropSize"] = p.CropSize;
            j["filter"] = p.Filter.ToString();
            context.AddTensor("mean", p.Mean, p.Mean.Length);
            context.AddTensor("std", p.Std, p.Std.Length);
        }
        else
        {
            j["input"] = "text";
            j["contextLength"] = _tokenizer!.ContextLength;
            switch (_tokenizer)
            {
                case ClipBpeTokenizer c: j["tokenizer"] = "clip-bpe"; j["vocab"] = c.VocabPath; j["merges"] = c.MergesPath; j["padId"] = c.PadId; break;
                case WordTokenizer w: j["tokenizer"] = "word"; j["vocab"] = w.VocabPath; break;
                default: throw new ConceptDataException($"tokenizer {_tokenizer.GetType().Name} cannot be saved (ClipBpeTokenizer and WordTokenizer can).");
            }
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>Loads a transformer saved by <see cref="Save"/>.</summary>
    public static ActivationExtractorTransformer Load(ModelLoadContext c)
    {
        string[] Array(string key) => (c.Options[key] as JsonArray ?? throw new ConceptDataException($"{c.Source}: option '{key}' is missing.")).Select(n => n!.GetValue<string>()).ToArray();
        var options = new ActivationExtractorOptions
        {
            ModelPath = c.Option<string>("model"),
            Tensors = Array("tensors"),
            Tokens = TokenSelection.Parse(c.Option<string>("tokens")),
            Seed = c.Option<int>("seed"),
            BatchSize = c.Option<int>("batchSize"),
            Session = new OnnxSessionOptions { IntraOpThreads = c.Option<int>("intraOpThreads") },
        };
        var outputs = Array("outputColumns");
        var input = c.Option<string>("inputColumn");
        if (c.Option<string>("input") == "image")
        {
            var pre = new ImagePreprocessor
            {
                Channels = c.Option<int>("channels"),
                ResizeShorterSide = c.Option<int>("resizeShorterSide"),
                CropSize = c.Option<int>("cropSize"),
                Filter = Enum.Parse<ResizeFilter>(c.Option<string>("filter")),
                Mean = c.Tensor("mean").ToFloat32(),
                Std = c.Tensor("std").ToFloat32(),
            };
            return new ActivationExtractorTransformer(options, input, pre, null, outputs);
        }
        ITextTokenizer tok = c.Option<string>("tokenizer") switch
        {
            "clip-bpe" => new ClipBpeTokenizer(c.Option<string>("vocab"), c.Option<string>("merges"), c.Option<int>("contextLength"), c.Option<long>("padId")),
            "word" => new WordTokenizer(c.Option<string>("vocab"), c.Option<int>("contextLength")),
            var k => throw new ConceptDataException($"{c.Source}: unknown tokenizer kind '{k}'."),
        };
        return new ActivationExtractorTransformer(options, input, null, tok, outputs);
    }
}
