using MlNetConcepts.IO;
using System.Runtime.InteropServices;
using Ort = Microsoft.ML.OnnxRuntime;

namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// Runs a split model: the head, then an optional edit of the cut tensor (float32 values and
/// shape in, values of the same shape out), then the tail. Crossing tensors go from the head's
/// session to the tail's as ONNX Runtime values, never copied through managed memory, so any
/// element type crosses (int64 shapes, bool masks).
/// </summary>
public sealed class SplitModel : IDisposable
{
    private readonly Ort.InferenceSession _head, _tail;

    /// <summary>Opens both halves of <paramref name="split"/>; <paramref name="source"/> names the model in errors.</summary>
    public SplitModel(OnnxSplit split, string source, OnnxSessionOptions? options = null)
    {
        Split = split;
        Source = source;
        if (split.Tensor.ElementType != OnnxElementType.Float)
            throw new ConceptDataException($"{source}: tensor '{split.Tensor.Name}' is {split.Tensor.ElementType}; only float32 tensors can be edited between the halves.");
        using var opts = OnnxSessionSettings.Create(options ?? new OnnxSessionOptions());
        _head = OnnxSession.Guard($"{source}: cannot load the head of the split", () => new Ort.InferenceSession(split.Head, opts));
        try { _tail = OnnxSession.Guard($"{source}: cannot load the tail of the split", () => new Ort.InferenceSession(split.Tail, opts)); }
        catch { _head.Dispose(); throw; }
    }

    /// <summary>The split being run.</summary>
    public OnnxSplit Split { get; }
    /// <summary>The model's name in messages.</summary>
    public string Source { get; }

    /// <summary>
    /// Runs head → <paramref name="edit"/> → tail on float32 model inputs and returns the requested
    /// float32 outputs (tail outputs, or head outputs such as the cut tensor itself, unedited).
    /// <paramref name="edit"/> gets the cut tensor's values and shape and returns the values the
    /// tail reads instead (same length); null runs the model unchanged.
    /// </summary>
    public NdArray[] Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string> outputs, Func<float[], long[], float[]>? edit = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var o in outputs)
            if (!Split.TailOutputs.Contains(o) && !Split.HeadOutputs.Contains(o))
                throw new ConceptDataException($"{Source}: '{o}' is not an output of the split model (outputs: {string.Join(", ", Split.TailOutputs.Concat(Split.HeadOutputs).Distinct())}).");
        var byName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var name in Split.HeadModelInputs.Concat(Split.TailModelInputs))
            if (!byName.ContainsKey(name))
                throw new ConceptDataException($"{Source}: input '{name}' was not given (inputs: {string.Join(", ", Split.HeadModelInputs.Concat(Split.TailModelInputs).Distinct())}).");
        var pins = new List<GCHandle>();
        var owned = new List<Ort.OrtValue>();
        try
        {
            Ort.OrtValue Value(OnnxInput x)
            {
                var pin = GCHandle.Alloc(x.Data, GCHandleType.Pinned);
                pins.Add(pin);
                var v = OnnxSession.Guard($"{Source}: input '{x.Name}'", () => Ort.OrtValue.CreateTensorValueWithData(Ort.OrtMemoryInfo.DefaultInstance,
                    (Microsoft.ML.OnnxRuntime.Tensors.TensorElementType)(int)x.ElementType, x.Shape, pin.AddrOfPinnedObject(), x.Data.LongLength * x.ElementSize));
                owned.Add(v);
                return v;
            }
            using var runOptions = new Ort.RunOptions();
            var headIn = Split.HeadModelInputs.Select(n => Value(byName[n])).ToArray();
            using var headOut = OnnxSession.Guard($"{Source}: the head failed", () => _head.Run(runOptions, Split.HeadModelInputs.ToArray(), headIn, Split.HeadOutputs.ToArray()));
            var head = Split.HeadOutputs.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => headOut[p.i], StringComparer.Ordinal);

            var cut = head[Split.Tensor.Name];
            long[] shape = cut.GetTensorTypeAndShape().Shape;
            var values = cut.GetTensorDataAsSpan<float>().ToArray();
            if (edit != null)
            {
                var edited = edit(values, shape);
                if (edited.Length != values.Length)
                    throw new ConceptDataException($"{Source}: the edit of '{Split.Tensor.Name}' returned {edited.Length} values for shape [{string.Join(",", shape)}] ({values.Length}).");
                values = edited;
            }
            var tailNames = new List<string> { Split.Tensor.Name };
            var tailIn = new List<Ort.OrtValue> { Value(OnnxInput.Float(Split.Tensor.Name, values, shape)) };
            foreach (var c in Split.Crossing) { tailNames.Add(c.Name); tailIn.Add(head[c.Name]); }
            foreach (var m in Split.TailModelInputs) { tailNames.Add(m); tailIn.Add(Value(byName[m])); }
            var wanted = outputs.Where(Split.TailOutputs.Contains).Distinct().ToArray();
            var result = new Dictionary<string, NdArray>(StringComparer.Ordinal);
            if (wanted.Length > 0)
            {
                using var tailOut = OnnxSession.Guard($"{Source}: the tail failed", () => _tail.Run(runOptions, tailNames.ToArray(), tailIn, wanted));
                for (int i = 0; i < wanted.Length; i++) result[wanted[i]] = Floats(tailOut[i], wanted[i]);
            }
            foreach (var o in outputs)
                if (!result.ContainsKey(o)) result[o] = Floats(head[o], o);
            return outputs.Select(o => result[o]).ToArray();
        }
        finally
        {
            foreach (var v in owned) v.Dispose();
            foreach (var p in pins) p.Free();
        }
    }

    private NdArray Floats(Ort.OrtValue v, string name)
    {
        var info = v.GetTensorTypeAndShape();
        if (info.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
            throw new ConceptDataException($"{Source}: output '{name}' is {info.ElementDataType}; only float32 outputs are returned.");
        return NdArray.FromFloats(v.GetTensorDataAsSpan<float>().ToArray(), info.Shape);
    }

    private bool _disposed;

    /// <summary>Releases both sessions.</summary>
    public void Dispose()
    {
        _disposed = true;
        _head.Dispose();
        _tail.Dispose();
    }
}
