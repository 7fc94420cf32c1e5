using System.Runtime.InteropServices;
using System.Text;
using MlNetConcepts.IO;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// An ONNX Runtime inference session (CPU) over the C API: created from a file or from model
/// bytes, it lists its inputs and outputs and runs them. <see cref="Run"/> is thread-safe.
/// Every native object is owned by a handle released on every path.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtHandle _session;
    private readonly OrtHandle? _memoryInfo;

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
        _api = OrtApi.Get(options.LibraryPath);
        var env = OrtEnvironment.Get(_api);
        using var opts = CreateOptions(options);
        IntPtr session;
        string what = $"{source}: cannot load the model";
        if (model == null)
        {
            var full = Path.GetFullPath(source);
            if (OperatingSystem.IsWindows())
                fixed (char* p = full + "\0") _api.Check(_api.CreateSession(env, (byte*)p, opts.DangerousGetHandle(), &session), what);
            else
                fixed (byte* p = Utf8(full)) _api.Check(_api.CreateSession(env, p, opts.DangerousGetHandle(), &session), what);
        }
        else
        {
            fixed (byte* p = model) _api.Check(_api.CreateSessionFromArray(env, p, (nuint)model.Length, opts.DangerousGetHandle(), &session), what);
        }
        _session = new OrtHandle(session, _api.ReleaseSession);
        try
        {
            IntPtr mem;
            _api.Check(_api.CreateCpuMemoryInfo(0, 0, &mem), "creating CPU memory info");
            _memoryInfo = new OrtHandle(mem, _api.ReleaseMemoryInfo);
            Inputs = ReadInfos(input: true);
            Outputs = ReadInfos(input: false);
        }
        catch
        {
            // The constructor will not return an object to dispose: release now, not at finalisation.
            _memoryInfo?.Dispose();
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The model file (or the name given for in-memory models).</summary>
    public string Source { get; }

    /// <summary>The ONNX Runtime version in use.</summary>
    public string RuntimeVersion => _api.Version;

    /// <summary>Full path of the loaded ONNX Runtime library.</summary>
    public string LibraryPath => _api.LibraryPath;

    /// <summary>Declared inputs.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>Declared outputs (including any added in memory).</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    private OrtHandle CreateOptions(OnnxSessionOptions o)
    {
        IntPtr p;
        _api.Check(_api.CreateSessionOptions(&p), "creating session options");
        var h = new OrtHandle(p, _api.ReleaseSessionOptions);
        try
        {
            if (o.IntraOpThreads < 0) throw new ConceptDataException($"intra-op threads must be ≥ 0, got {o.IntraOpThreads}.");
            _api.Check(_api.SetIntraOpNumThreads(p, o.IntraOpThreads), "setting intra-op threads");
            _api.Check(_api.SetInterOpNumThreads(p, 1), "setting inter-op threads");
            _api.Check(_api.SetSessionGraphOptimizationLevel(p, (int)o.OptimizationLevel), "setting the optimisation level");
            AddConfig(p, "session.intra_op.allow_spinning", o.AllowSpinning ? "1" : "0");
            AddConfig(p, "session.inter_op.allow_spinning", o.AllowSpinning ? "1" : "0");
            if (o.ExternalDataFolder != null)
                AddConfig(p, "session.model_external_initializers_file_folder_path", Path.GetFullPath(o.ExternalDataFolder));
            return h;
        }
        catch
        {
            h.Dispose();
            throw;
        }
    }

    private void AddConfig(IntPtr opts, string key, string value)
    {
        fixed (byte* k = Utf8(key))
        fixed (byte* v = Utf8(value))
            _api.Check(_api.AddSessionConfigEntry(opts, k, v), $"setting {key}");
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");

    private OnnxTensorInfo[] ReadInfos(bool input)
    {
        var s = _session.DangerousGetHandle();
        nuint count;
        _api.Check(input ? _api.SessionGetInputCount(s, &count) : _api.SessionGetOutputCount(s, &count), "reading the model's signature");
        IntPtr alloc;
        _api.Check(_api.GetAllocatorWithDefaultOptions(&alloc), "getting the default allocator"); // never released
        var result = new OnnxTensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            IntPtr namePtr;
            _api.Check(input ? _api.SessionGetInputName(s, i, alloc, &namePtr) : _api.SessionGetOutputName(s, i, alloc, &namePtr), "reading a tensor name");
            string name;
            try { name = Marshal.PtrToStringUTF8(namePtr) ?? ""; }
            finally { _api.AllocatorFree(alloc, namePtr); }
            IntPtr typeInfo;
            _api.Check(input ? _api.SessionGetInputTypeInfo(s, i, &typeInfo) : _api.SessionGetOutputTypeInfo(s, i, &typeInfo), $"reading the type of '{name}'");
            using var owner = new OrtHandle(typeInfo, _api.ReleaseTypeInfo);
            int onnxType;
            _api.Check(_api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType), $"reading the type of '{name}'");
            if (onnxType != 1) // ONNX_TYPE_TENSOR
            {
                result[(int)i] = new OnnxTensorInfo(name, OnnxElementType.Undefined, [], []);
                continue;
            }
            IntPtr tensorInfo; // owned by typeInfo: not released here
            _api.Check(_api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), $"reading the type of '{name}'");
            var (type, dims, symbolic) = ReadShape(tensorInfo, name, withSymbols: true);
            result[(int)i] = new OnnxTensorInfo(name, type, dims, symbolic);
        }
        return result;
    }

    private (OnnxElementType Type, long[] Dims, string[] Symbolic) ReadShape(IntPtr info, string name, bool withSymbols)
    {
        int et;
        nuint rank;
        _api.Check(_api.GetTensorElementType(info, &et), $"reading '{name}'");
        _api.Check(_api.GetDimensionsCount(info, &rank), $"reading '{name}'");
        var dims = new long[(int)rank];
        var symbolic = new string[(int)rank];
        fixed (long* d = dims) _api.Check(_api.GetDimensions(info, d, rank), $"reading '{name}'");
        if (withSymbols && rank > 0)
        {
            var ptrs = new IntPtr[(int)rank];
            fixed (IntPtr* p = ptrs) _api.Check(_api.GetSymbolicDimensions(info, p, rank), $"reading '{name}'");
            for (int j = 0; j < ptrs.Length; j++) symbolic[j] = ptrs[j] == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(ptrs[j]) ?? "";
        }
        else Array.Fill(symbolic, "");
        var type = Enum.IsDefined(typeof(OnnxElementType), et) ? (OnnxElementType)et : OnnxElementType.Undefined;
        return (type, dims, symbolic);
    }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> and returns the requested outputs, in order,
    /// as arrays with their actual shapes. float16 and bfloat16 outputs are widened to float32.
    /// </summary>
    public NdArray[] Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string> outputNames)
    {
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        foreach (var name in outputNames)
            if (!Outputs.Any(o => o.Name == name))
                throw new ConceptDataException($"{Source}: '{name}' is not an output of the model (outputs: {string.Join(", ", Outputs.Select(o => o.Name))}).");
        foreach (var input in inputs)
            if (!Inputs.Any(i => i.Name == input.Name))
                throw new ConceptDataException($"{Source}: '{input.Name}' is not an input of the model (inputs: {string.Join(", ", Inputs.Select(i => i.Name))}).");

        int nIn = inputs.Count, nOut = outputNames.Count;
        var pins = new GCHandle[nIn];
        var values = new IntPtr[nIn];
        var outValues = new IntPtr[nOut];
        var names = new List<IntPtr>();
        bool added = false;
        try
        {
            _session.DangerousAddRef(ref added);
            var inNames = new IntPtr[nIn];
            var outNames = new IntPtr[nOut];
            for (int i = 0; i < nIn; i++)
            {
                var input = inputs[i];
                pins[i] = GCHandle.Alloc(input.Data, GCHandleType.Pinned); // stays pinned until ReleaseValue below
                var shape = input.Shape;
                IntPtr v;
                fixed (long* sp = shape)
                    _api.Check(_api.CreateTensorWithDataAsOrtValue(_memoryInfo!.DangerousGetHandle(), (void*)pins[i].AddrOfPinnedObject(),
                        (nuint)(input.Data.LongLength * input.ElementSize), sp, (nuint)shape.Length, (int)input.ElementType, &v), $"{Source}: input '{input.Name}'");
                values[i] = v;
                inNames[i] = Marshal.StringToCoTaskMemUTF8(input.Name);
                names.Add(inNames[i]);
            }
            for (int i = 0; i < nOut; i++)
            {
                outNames[i] = Marshal.StringToCoTaskMemUTF8(outputNames[i]);
                names.Add(outNames[i]);
            }
            fixed (IntPtr* ip = inNames, iv = values, op = outNames, ov = outValues)
                _api.Check(_api.Run(_session.DangerousGetHandle(), IntPtr.Zero, ip, iv, (nuint)nIn, op, (nuint)nOut, ov), $"{Source}: run failed");
            var result = new NdArray[nOut];
            for (int i = 0; i < nOut; i++) result[i] = ReadValue(outValues[i], outputNames[i]);
            return result;
        }
        finally
        {
            foreach (var v in outValues) if (v != IntPtr.Zero) _api.ReleaseValue(v);
            foreach (var v in values) if (v != IntPtr.Zero) _api.ReleaseValue(v);
            foreach (var p in pins) if (p.IsAllocated) p.Free();
            foreach (var n in names) Marshal.FreeCoTaskMem(n);
            if (added) _session.DangerousRelease();
        }
    }

    private NdArray ReadValue(IntPtr value, string name)
    {
        if (value == IntPtr.Zero) throw new ConceptDataException($"{Source}: output '{name}' is not a tensor.");
        IntPtr info;
        _api.Check(_api.GetTensorTypeAndShape(value, &info), $"{Source}: output '{name}'");
        OnnxElementType type;
        long[] dims;
        using (new OrtHandle(info, _api.ReleaseTensorTypeAndShapeInfo))
            (type, dims, _) = ReadShape(info, name, withSymbols: false);
        long count = dims.Aggregate(1L, (a, d) => checked(a * d));
        if (count > Array.MaxLength) throw new ConceptDataException($"{Source}: output '{name}' has {count} elements, too many for one array.");
        void* data;
        _api.Check(_api.GetTensorMutableData(value, &data), $"{Source}: output '{name}'");
        int n = (int)count;
        switch (type)
        {
            case OnnxElementType.Float:
                return NdArray.FromFloats(new ReadOnlySpan<float>(data, n).ToArray(), dims);
            case OnnxElementType.Float16:
            {
                var src = new ReadOnlySpan<Half>(data, n);
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float)src[i];
                return NdArray.FromFloats(f, dims);
            }
            case OnnxElementType.BFloat16:
            {
                var src = new ReadOnlySpan<ushort>(data, n);
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = NdArray.BFloat16ToSingle(src[i]);
                return NdArray.FromFloats(f, dims);
            }
            case OnnxElementType.Double:
                return new NdArray(NdType.Float64, dims, new ReadOnlySpan<double>(data, n).ToArray());
            case OnnxElementType.Int64:
                return NdArray.FromInt64s(new ReadOnlySpan<long>(data, n).ToArray(), dims);
            case OnnxElementType.Int32:
                return NdArray.FromInt32s(new ReadOnlySpan<int>(data, n).ToArray(), dims);
            default:
                throw new ConceptDataException($"{Source}: output '{name}' has element type {type}, which is not read (float, float16, bfloat16, double, int64, int32 are).");
        }
    }

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _memoryInfo?.Dispose();
    }
}
