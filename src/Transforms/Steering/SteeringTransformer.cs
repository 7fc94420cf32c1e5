using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Onnx;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Views;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// An ML.NET transformer that runs an ONNX model with SAE concepts clamped inside it (Pach et al.
/// 2025, sec. 3.3): each row's input column (the model input, flattened) goes through the head
/// of the model up to the steered tensor; its tokens are encoded by the SAE, the interventions
/// change the chosen concepts, the tokens are decoded (keeping or dropping the reconstruction
/// error) and the tail of the model runs; the output column holds the chosen model output.
/// A view is computed lazily, one model run per block of rows (per row when the model fixes its
/// batch to 1); <c>PredictionEngine</c> maps single rows through the same code.
/// <c>mlContext.Model.Save</c> stores it as one ONNX graph.
/// </summary>
public sealed class SteeringTransformer : BlockMappingTransformer, IDisposable
{
    private readonly SteeredModel _model;
    private readonly ConceptSteering _steering;

    internal SteeringTransformer(string outputColumnName, string inputColumnName, SteeringOptions options)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Options = options;
        _steering = new ConceptSteering(options.Sae, options.Interventions, options.KeepReconstructionError);
        _model = new SteeredModel(options.ModelPath, options.Tensor, options.Session);
        try
        {
            ModelInput = options.ModelInput ?? (_model.Split.HeadModelInputs.Concat(_model.Split.TailModelInputs).Distinct().ToArray() is [var only] ? only
                : throw new ConceptDataException($"{options.ModelPath}: the model has several inputs ({string.Join(", ", _model.Split.HeadModelInputs)}); set ModelInput."));
            ModelOutput = options.ModelOutput ?? _model.Split.TailOutputs[0];
            if (!_model.Split.TailOutputs.Contains(ModelOutput))
                throw new ConceptDataException($"{options.ModelPath}: '{ModelOutput}' is not an output computed after '{_model.Tensor}' (those are: {string.Join(", ", _model.Split.TailOutputs)}).");
            var dims = ModelInputDims(options.ModelPath, ModelInput, options.Session);
            RowShape = options.InputShape?.ToArray() ?? RowShapeOf(options.ModelPath, ModelInput, dims);
            _rowsPerRun = dims.Length > 0 && dims[0] == 1 ? 1 : int.MaxValue;
            if (RowShape.Any(d => d <= 0)) throw new ConceptDataException($"InputShape [{string.Join(",", RowShape)}]: every dimension must be positive.");
            InputWidth = checked((int)RowShape.Aggregate(1L, (a, b) => a * b));
            // One zero row through the model: the token width is checked before any data is read,
            // and the output width is known for the schema.
            var probe = Run(new float[InputWidth], 1);
            OutputWidth = probe.Length;
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input column (one model input per row, flattened).</summary>
    public string InputColumnName { get; }
    /// <summary>The settings.</summary>
    public SteeringOptions Options { get; }
    /// <summary>The model input fed from the input column.</summary>
    public string ModelInput { get; }
    /// <summary>The model output written to the output column.</summary>
    public string ModelOutput { get; }
    /// <summary>Shape of one row of the model input (without the batch dimension).</summary>
    public long[] RowShape { get; }
    /// <summary>Values per input row.</summary>
    public int InputWidth { get; }
    /// <summary>Values per output row.</summary>
    public int OutputWidth { get; }
    /// <summary>The steered model (split at the tensor).</summary>
    public SteeredModel Model => _model;
    /// <summary>The token edit.</summary>
    public ConceptSteering Steering => _steering;

    /// <summary>The model input's declared shape (−1 where not fixed).</summary>
    private static long[] ModelInputDims(string path, string input, OnnxSessionOptions session)
    {
        using var s = new OnnxSession(path, session with { OptimizationLevel = OnnxOptimizationLevel.None });
        var info = s.Inputs.FirstOrDefault(i => i.Name == input)
            ?? throw new ConceptDataException($"{path}: '{input}' is not an input of the model (inputs: {string.Join(", ", s.Inputs.Select(i => i.Name))}).");
        if (info.ElementType != OnnxElementType.Float)
            throw new ConceptDataException($"{path}: input '{input}' is {info.ElementType}; the steering transform feeds float32 inputs.");
        return info.Dims;
    }

    private static long[] RowShapeOf(string path, string input, long[] dims)
    {
        var row = dims.Skip(1).ToArray();
        if (dims.Length == 0 || row.Any(d => d < 0))
            throw new ConceptDataException($"{path}: input '{input}' has shape [{string.Join(",", dims)}]; set InputShape to the shape of one row.");
        return row;
    }

    // Rows per model run: 1 when the model fixes its batch dimension to 1 (e.g. the NuGet ResNet18).
    private readonly int _rowsPerRun;

    /// <summary>
    /// The steered model output for <paramref name="rows"/> inputs (rows × <see cref="InputWidth"/>
    /// values, row-major): the array-level path the IDataView cursor uses.
    /// </summary>
    public float[] Run(float[] inputs, int rows)
    {
        if (inputs.Length != (long)rows * InputWidth)
            throw new ConceptDataException($"column '{InputColumnName}': {inputs.Length} values are not {rows} rows of the model input's {InputWidth} values ([{string.Join(",", RowShape)}]).");
        long[] shape = [rows, .. RowShape];
        return _model.Run([OnnxInput.Float(ModelInput, inputs, shape)], [ModelOutput], _steering)[0].ToFloat32();
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputColumns => [InputColumnName];

    /// <inheritdoc />
    public override IReadOnlyList<AddedColumn> AddedColumns(DataViewSchema input)
    {
        CheckInput(input);
        return [new AddedColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, OutputWidth))];
    }

    internal DataViewSchema.Column CheckInput(DataViewSchema schema)
    {
        var col = schema.GetColumnOrNull(InputColumnName)
            ?? throw new ConceptDataException($"column '{InputColumnName}' is not in the data (columns: {string.Join(", ", schema.Select(c => c.Name))}).");
        if (col.Type is not VectorDataViewType { ItemType: NumberDataViewType t } v || t != NumberDataViewType.Single)
            throw new ConceptDataException($"column '{InputColumnName}' is {col.Type}; the steering transform reads a vector of Single.");
        if (v.Size != 0 && v.Size != InputWidth)
            throw new ConceptDataException($"column '{InputColumnName}' has {v.Size} values per row, but model input '{ModelInput}' takes {InputWidth} ([{string.Join(",", RowShape)}]).");
        return col;
    }

    /// <inheritdoc />
    public override BlockOutputs MapBlock(IRowBlock input)
    {
        var x = input.Floats(InputColumnName);
        int rows = input.BlockRows;
        if (x.Length != (long)rows * InputWidth)
            throw new ConceptDataException($"column '{InputColumnName}': rows {input.BlockStart}..{input.BlockStart + rows - 1} hold {x.Length} values, not {rows} rows of {InputWidth}.");
        var y = new float[rows * OutputWidth];
        for (int first = 0; first < rows; first += Math.Min(_rowsPerRun, rows))
        {
            int n = Math.Min(_rowsPerRun, rows - first);
            Run(x.Slice(first * InputWidth, n * InputWidth).ToArray(), n).CopyTo(y, first * OutputWidth);
        }
        var output = new BlockOutputs(rows);
        output.SetFloats(OutputColumnName, y);
        return output;
    }

    /// <summary>
    /// Saves through ML.NET's own ONNX component: the steered model is built as one ONNX graph
    /// (the model with the SAE's encode → intervene → decode as
    /// operators, input and output named after this transformer's columns) and an
    /// <c>OnnxTransformer</c> of it is saved in this transformer's place, so
    /// <c>mlContext.Model.Load</c> needs only ML.NET and ONNX Runtime and gives that transformer back.
    /// </summary>
    public override void Save(ModelSaveContext ctx)
        => OnnxModelSaving.Save(ctx, SteeredOnnxGraph.Build(this), [(InputColumnName, InputWidth)], [OutputColumnName]);

    /// <summary>The steered model as one ONNX graph (what saving stores).</summary>
    public byte[] ToOnnx() => SteeredOnnxGraph.Build(this);

    /// <summary>Releases the model sessions.</summary>
    public void Dispose() => _model.Dispose();
}
