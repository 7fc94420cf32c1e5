using System.Runtime.InteropServices;
using MlNetConcepts.IO;
using Ort = Microsoft.ML.OnnxRuntime;
using OrtTensors = Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// An ONNX Runtime inference session over the managed API of the <c>Microsoft.ML.OnnxRuntime</c>
/// package: created from a file or from model bytes, it lists its inputs and outputs and runs
/// them. <see cref="Run"/> is thread-safe. Errors ONNX Runtime reports come back as
/// <see cref="OnnxRuntimeException"/> with the model's name in front.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly Ort.InferenceSession _session;

    /// <summary>Opens the model file at <paramref name="path"/>.</summary>
    public OnnxSession(string path, OnnxSessionOptions? options = null)
        : this(options ?? new(), path, null) { }

    /// <summary>Opens a model held in memory (<paramref name="source"/> names it in messages).</summary>
    public OnnxSession(byte[] model, string source, OnnxSessionOptions? options = null)
        : this(options ?? new(), source, model) { }

    private OnnxSession(OnnxSessionOptions options, string source, byte[]? model)
    {
        Source = source;
        if (model == null && !File.Exists(source))
            throw new ConceptDataException($"{source}: model file not found.");
        using var opts = OnnxSessionSettings.Create(options);
        _session = Guard($"{source}: cannot load the model",
            () => model == null ? new Ort.InferenceSession(Path.GetFullPath(source), opts) : new Ort.InferenceSession(model, opts));
        try
        {
            Inputs = _session.InputNames.Select(n => Describe(n, _session.InputMetadata[n])).ToArray();
            Outputs = _session.OutputNames.Select(n => Describe(n, _session.OutputMetadata[n])).ToArray();
        }
        catch
        {
            // The constructor will not return an object to dispose: release now, not at finalisation.
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The model file (or the name given for in-memory models).</summary>
    public string Source { get; }

    /// <summary>The ONNX Runtime version in use (the native library's own version string).</summary>
    public static string RuntimeVersion => Ort.OrtEnv.Instance().GetVersionString();

    /// <summary>Execution providers compiled into the loaded ONNX Runtime (e.g. <c>CPUExecutionProvider</c>).</summary>
    public static IReadOnlyList<string> AvailableProviders => Ort.OrtEnv.Instance().GetAvailableProviders();

    /// <summary>Declared inputs.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>Declared outputs (including any added in memory).</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    private static OnnxTensorInfo Describe(string name, Ort.NodeMetadata m)
    {
        if (!m.IsTensor) return new OnnxTensorInfo(name, OnnxElementType.Undefined, [], []);
        var dims = m.Dimensions.Select(d => (long)d).ToArray();
        var symbolic = m.SymbolicDimensions.Select(s => s ?? "").ToArray();
        return new OnnxTensorInfo(name, ElementType(m.ElementDataType), dims, symbolic);
    }

    private static OnnxElementType ElementType(OrtTensors.TensorElementType t)
        => Enum.IsDefined(typeof(OnnxElementType), (int)t) ? (OnnxElementType)(int)t : OnnxElementType.Undefined;

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> and returns the requested outputs, in order,
    /// as arrays with their actual shapes. float16 and bfloat16 outputs are widened to float32.
    /// Inputs are read in place (pinned for the call, not copied).
    /// </summary>
    public NdArray[] Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string> outputNames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var name in outputNames)
            if (!Outputs.Any(o => o.Name == name))
                throw new ConceptDataException($"{Source}: '{name}' is not an output of the model (outputs: {string.Join(", ", Outputs.Select(o => o.Name))}).");
        foreach (var input in inputs)
            if (!Inputs.Any(i => i.Name == input.Name))
                throw new ConceptDataException($"{Source}: '{input.Name}' is not an input of the model (inputs: {string.Join(", ", Inputs.Select(i => i.Name))}).");

        var pins = new GCHandle[inputs.Count];
        var values = new List<Ort.OrtValue>(inputs.Count);
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                // One path for every element type (System.Half has no managed-API tensor type):
                // pin the array and hand ORT its address; the pin outlives the OrtValue.
                pins[i] = GCHandle.Alloc(input.Data, GCHandleType.Pinned);
                values.Add(Guard($"{Source}: input '{input.Name}'", () => Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance,
                    (OrtTensors.TensorElementType)(int)input.ElementType, input.Shape, pins[i].AddrOfPinnedObject(), input.Data.LongLength * input.ElementSize)));
            }
            using var runOptions = new Ort.RunOptions();
            using var outs = Guard($"{Source}: run failed", () => _session.Run(runOptions, inputs.Select(x => x.Name).ToArray(), values, outputNames.ToArray()));
            var result = new NdArray[outputNames.Count];
            int k = 0;
            foreach (var v in outs) { result[k] = ReadValue(v, outputNames[k]); k++; }
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
            foreach (var p in pins) if (p.IsAllocated) p.Free();
        }
    }

    /// <summary>
    /// Runs on inputs already wrapped as ONNX Runtime values (e.g. over reused pinned buffers, see
    /// <see cref="TensorOver"/>) and hands back ONNX Runtime's own output values, unread: the
    /// caller reads them in place and disposes them. Names are not checked here.
    /// </summary>
    internal Ort.IDisposableReadOnlyCollection<Ort.OrtValue> RunValues(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<Ort.OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var runOptions = new Ort.RunOptions();
        return Guard($"{Source}: run failed", () => _session.Run(runOptions, inputNames, inputs, outputNames));
    }

    /// <summary>
    /// An ONNX Runtime tensor over memory that stays put (a pinned array): ORT reads it in place.
    /// The memory must outlive the value.
    /// </summary>
    internal static Ort.OrtValue TensorOver(IntPtr data, OnnxElementType type, long[] shape, long bytes, string what)
        => Guard(what, () => Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance, (OrtTensors.TensorElementType)(int)type, shape, data, bytes));

    /// <summary>Reads an output value into an array (a copy; float16 and bfloat16 widened to float32).</summary>
    internal NdArray ReadValue(Ort.OrtValue value, string name)
    {
        if (!value.IsTensor) throw new ConceptDataException($"{Source}: output '{name}' is not a tensor.");
        var info = value.GetTensorTypeAndShape();
        var dims = info.Shape;
        if (info.ElementCount > Array.MaxLength) throw new ConceptDataException($"{Source}: output '{name}' has {info.ElementCount} elements, too many for one array.");
        var type = ElementType(info.ElementDataType);
        switch (type)
        {
            case OnnxElementType.Float:
                return NdArray.FromFloats(value.GetTensorDataAsSpan<float>().ToArray(), dims);
            case OnnxElementType.Float16:
            {
                var src = MemoryMarshal.Cast<byte, Half>(value.GetTensorDataAsSpan<byte>());
                var f = new float[src.Length];
                for (int i = 0; i < f.Length; i++) f[i] = (float)src[i];
                return NdArray.FromFloats(f, dims);
            }
            case OnnxElementType.BFloat16:
            {
                var src = MemoryMarshal.Cast<byte, ushort>(value.GetTensorDataAsSpan<byte>());
                var f = new float[src.Length];
                for (int i = 0; i < f.Length; i++) f[i] = NdArray.BFloat16ToSingle(src[i]);
                return NdArray.FromFloats(f, dims);
            }
            case OnnxElementType.Double:
                return new NdArray(NdType.Float64, dims, value.GetTensorDataAsSpan<double>().ToArray());
            case OnnxElementType.Int64:
                return NdArray.FromInt64s(value.GetTensorDataAsSpan<long>().ToArray(), dims);
            case OnnxElementType.Int32:
                return NdArray.FromInt32s(value.GetTensorDataAsSpan<int>().ToArray(), dims);
            default:
                throw new ConceptDataException($"{Source}: output '{name}' has element type {type}, which is not read (float, float16, bfloat16, double, int64, int32 are).");
        }
    }

    /// <summary>Runs <paramref name="call"/>, turning ONNX Runtime's exception into ours with <paramref name="what"/> in front.</summary>
    internal static T Guard<T>(string what, Func<T> call)
    {
        try { return call(); }
        catch (Ort.OnnxRuntimeException e)
        {
            var (code, message) = OrtErrorText.Split(e.Message);
            throw new OnnxRuntimeException(code, $"{what}: {message}", e);
        }
    }

    private bool _disposed;

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
    }
}
