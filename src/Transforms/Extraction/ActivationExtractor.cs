using System.Diagnostics;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>Options of an <see cref="ActivationExtractor"/>.</summary>
public sealed record ActivationExtractorOptions
{
    /// <summary>The ONNX model file.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Tensors to extract: names or block patterns (<see cref="LayerTaps"/>).</summary>
    public required IReadOnlyList<string> Tensors { get; init; }
    /// <summary>Which tokens become rows.</summary>
    public TokenSelection Tokens { get; init; } = TokenSelection.Cls;
    /// <summary>Samples per model call.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Model input to feed (null: the model's only input).</summary>
    public string? InputName { get; init; }
    /// <summary>Seed of <see cref="TokenMode.Random"/>.</summary>
    public int Seed { get; init; }
    /// <summary>Session options (threads, optimisation level, execution provider).</summary>
    public OnnxSessionOptions Session { get; init; } = new();
    /// <summary>
    /// Overlap preparing the next batch (decoding, preprocessing) and handing on the previous one
    /// (token selection, the sink, e.g. writing files) with ONNX Runtime's work on the current
    /// batch, on one worker thread beside ORT's intra-op threads; at most three batches are in
    /// flight. False runs every stage in turn on the calling thread: the plain reference, with
    /// the same output bit for bit.
    /// </summary>
    public bool Overlap { get; init; } = true;
}

/// <summary>The rows of one extracted tensor, for one batch.</summary>
/// <param name="Tensor">Requested name (as given by the user).</param>
/// <param name="Values">Rows × <paramref name="Width"/> values.</param>
/// <param name="Width">Row width.</param>
/// <param name="SampleIds">Sample id of each row.</param>
/// <param name="TokenIndices">Token index of each row (−1: mean, or a tensor without a token axis).</param>
public sealed record ActivationBlock(string Tensor, float[] Values, int Width, long[] SampleIds, int[] TokenIndices);

/// <summary>
/// Runs an ONNX model over samples in batches and turns the requested tensors into activation
/// rows: [batch, width] tensors give one row per sample (token −1); [batch, tokens, width] give
/// rows per the <see cref="TokenSelection"/>; [batch, channels, h, w] feature maps are read as
/// h·w tokens of width channels. The model is edited in memory so intermediate tensors are outputs.
/// </summary>
public sealed partial class ActivationExtractor : IDisposable
{
    private readonly TappedModel _model;
    private readonly OnnxTensorInfo _input;

    /// <summary>Opens the model and resolves the tensors.</summary>
    public ActivationExtractor(ActivationExtractorOptions options)
    {
        Options = options;
        if (options.BatchSize <= 0) throw new ConceptDataException($"batch size must be positive, got {options.BatchSize}.");
        if (options.Tensors.Count == 0) throw new ConceptDataException("name at least one tensor to extract.");
        _model = new TappedModel(options.ModelPath, options.Tensors, options.Session);
        var inputs = _model.Session.Inputs;
        if (options.InputName != null)
            _input = inputs.FirstOrDefault(i => i.Name == options.InputName)
                ?? throw new ConceptDataException($"{options.ModelPath}: no input named '{options.InputName}' (inputs: {string.Join(", ", inputs.Select(i => i.Name))}).");
        else if (inputs.Count == 1) _input = inputs[0];
        else throw new ConceptDataException($"{options.ModelPath}: the model has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); name the one to feed.");
        FixedBatch = _input.Dims.Length > 0 && _input.Dims[0] > 0 ? (int)_input.Dims[0] : 0;
    }

    /// <summary>The options.</summary>
    public ActivationExtractorOptions Options { get; }
    /// <summary>Resolved tensor names, in request order.</summary>
    public IReadOnlyList<string> TensorNames => _model.Tensors;
    /// <summary>The model input being fed.</summary>
    public OnnxTensorInfo Input => _input;
    /// <summary>
    /// Time spent inside ONNX Runtime's <c>Run</c> so far (the rest of a run's wall time is
    /// decoding, preprocessing, token selection and writing: the pipeline's overhead).
    /// </summary>
    public TimeSpan RuntimeTime => Profile.Run;

    /// <summary>Where the time of the runs so far went, stage by stage.</summary>
    public ExtractionProfile Profile { get; } = new();

    /// <summary>The session's description of output <paramref name="tensor"/> (a resolved name).</summary>
    public OnnxTensorInfo OutputInfo(string tensor) => _model.Session.Outputs.First(o => o.Name == tensor);

    /// <summary>The model's fixed batch size, or 0 when the batch dimension is dynamic.</summary>
    public int FixedBatch { get; }

    /// <summary>
    /// Extracts every sample of <paramref name="input"/>, calling <paramref name="sink"/> with the
    /// rows of each batch (one block per requested tensor, in request order) and
    /// <paramref name="progress"/> with the samples done so far. Both are called once per batch, in
    /// batch order, one call at a time; with <see cref="ActivationExtractorOptions.Overlap"/> they
    /// are called on the worker thread, and all calls have returned when this method returns. An
    /// error (a bad sample, ONNX Runtime, the sink) stops the run after the batches before it have
    /// gone through the sink, and none after, as on the sequential path.
    /// </summary>
    /// <param name="input">The samples.</param>
    /// <param name="sink">Receives each batch's rows.</param>
    /// <param name="progress">Receives (samples done, total).</param>
    /// <param name="firstSample">Sample to start from (resuming a checkpointed run); sample ids stay absolute.</param>
    public void Run(ExtractionInput input, Action<IReadOnlyList<ActivationBlock>> sink, Action<int, int>? progress = null, int firstSample = 0)
    {
        long wall = Stopwatch.GetTimestamp();
        try
        {
            if (Options.Overlap) RunOverlapped(input, sink, progress, firstSample);
            else RunSequential(input, sink, progress, firstSample);
        }
        finally { Profile.AddWall(wall); }
    }

    /// <summary>The reference: each stage in turn on the calling thread.</summary>
    private void RunSequential(ExtractionInput input, Action<IReadOnlyList<ActivationBlock>> sink, Action<int, int>? progress, int firstSample)
    {
        int batch = FixedBatch > 0 ? FixedBatch : Options.BatchSize;
        for (int start = firstSample; start < input.Count; start += batch)
        {
            int count = Math.Min(batch, input.Count - start);
            long t0 = Stopwatch.GetTimestamp();
            var x = input.Batch(start, count, _input);
            if (FixedBatch > 0 && count < FixedBatch) x = PadBatch(x, FixedBatch);
            Profile.AddPrepare(t0);
            t0 = Stopwatch.GetTimestamp();
            var outs = _model.Session.Run([x], _model.Tensors);
            Profile.AddRun(t0); // wrapping the input and copying the outputs included
            t0 = Stopwatch.GetTimestamp();
            var blocks = new ActivationBlock[outs.Length];
            for (int t = 0; t < outs.Length; t++) blocks[t] = Rows(Options.Tensors[t], outs[t], start, count, input);
            Profile.AddSelect(t0);
            t0 = Stopwatch.GetTimestamp();
            sink(blocks);
            progress?.Invoke(start + count, input.Count);
            Profile.AddSink(t0);
        }
    }

    private static OnnxInput PadBatch(OnnxInput x, int batch)
    {
        long[] shape = [batch, .. x.Shape[1..]];
        var data = Array.CreateInstance(x.Data.GetType().GetElementType()!, shape.Aggregate(1L, (a, d) => a * d));
        Array.Copy(x.Data, data, x.Data.Length);
        return x.ElementType switch
        {
            OnnxElementType.Float => OnnxInput.Float(x.Name, (float[])data, shape),
            OnnxElementType.Float16 => OnnxInput.Float16(x.Name, (Half[])data, shape),
            OnnxElementType.Int64 => OnnxInput.Int64(x.Name, (long[])data, shape),
            _ => OnnxInput.Int32(x.Name, (int[])data, shape),
        };
    }

    /// <summary>
    /// Selects rows from one output [batch, ...] for samples [start, start+count): the plain
    /// reference of <see cref="TokenRows.Select"/>, used by the sequential path.
    /// </summary>
    internal ActivationBlock Rows(string name, NdArray output, int start, int count, ExtractionInput input)
    {
        var v = output.ToFloat32();
        var s = output.Shape;
        var (tokens, width, channelsFirst) = TokenRows.Layout(name, s, count, Options.ModelPath);
        int perSample = tokens == 0 ? width : tokens * width;
        var values = new List<float>(Options.Tokens.OneRowPerSample || tokens == 0 ? count * width : v.Length);
        var ids = new List<long>();
        var toks = new List<int>();
        var row = new float[width];
        for (int b = 0; b < count; b++)
        {
            long sample = start + b;
            int offset = b * perSample;
            if (tokens == 0)
            {
                values.AddRange(v.AsSpan(offset, width));
                ids.Add(sample);
                toks.Add(-1);
                continue;
            }
            int end = input.EndIndex(start + b);
            int valid = end >= 0 ? Math.Min(end + 1, tokens) : tokens; // text: padding after the end token is not a token
            foreach (int t in Options.Tokens.Indices(sample, valid, end, Options.Seed))
            {
                if (t < 0)
                {
                    var acc = new double[width];
                    for (int k = 0; k < valid; k++)
                        for (int d = 0; d < width; d++) acc[d] += Token(v, offset, tokens, width, k, d, channelsFirst);
                    for (int d = 0; d < width; d++) row[d] = (float)(acc[d] / valid);
                }
                else
                {
                    if (t >= tokens) throw new ConceptDataException($"{Options.ModelPath}: tensor '{name}' has {tokens} tokens; token {t} does not exist.");
                    if (!channelsFirst)
                    {
                        // Token-major layout: the row is contiguous, copy it as a span.
                        values.AddRange(v.AsSpan(offset + t * width, width));
                        ids.Add(sample);
                        toks.Add(t);
                        continue;
                    }
                    for (int d = 0; d < width; d++) row[d] = Token(v, offset, tokens, width, t, d, channelsFirst);
                }
                values.AddRange(row);
                ids.Add(sample);
                toks.Add(t);
            }
        }
        return new ActivationBlock(name, values.ToArray(), width, ids.ToArray(), toks.ToArray());
    }

    private static float Token(float[] v, int offset, int tokens, int width, int t, int d, bool channelsFirst)
        => channelsFirst ? v[offset + d * tokens + t] : v[offset + t * width + d];

    /// <summary>Releases the session.</summary>
    public void Dispose() => _model.Dispose();
}
