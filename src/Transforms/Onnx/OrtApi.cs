using System.Runtime.InteropServices;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// The members of ONNX Runtime's C API table (<c>OrtApi</c>) this binding calls, as typed
/// function pointers. The table is append-only, so each member sits at a fixed zero-based index
/// counted from the public <c>onnxruntime_c_api.h</c>; we request API version
/// <see cref="RequestedVersion"/>, the lowest that covers every member used here.
/// Functions returning <c>OrtStatus*</c> return null on success.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>API version requested from <c>OrtGetApiBase()->GetApi</c>.</summary>
    public const uint RequestedVersion = 15;

    public readonly delegate* unmanaged<IntPtr, int> GetErrorCode;
    public readonly delegate* unmanaged<IntPtr, IntPtr> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public readonly delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetInputName;
    public readonly delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetOutputName;
    public readonly delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    public readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged<IntPtr, int*, IntPtr> GetTensorElementType;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public readonly delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public readonly delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr> GetSymbolicDimensions;
    public readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> GetTensorShapeElementCount;
    public readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr> AllocatorFree;
    public readonly delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseEnv;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseStatus;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseSession;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseValue;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;

    /// <summary>The library's own version string (from <c>OrtApiBase.GetVersionString</c>).</summary>
    public string Version { get; }

    /// <summary>Full path of the loaded library.</summary>
    public string LibraryPath { get; }

    private OrtApi(void** t, string version, string path)
    {
        Version = version;
        LibraryPath = path;
        GetErrorCode = (delegate* unmanaged<IntPtr, int>)t[1];
        GetErrorMessage = (delegate* unmanaged<IntPtr, IntPtr>)t[2];
        CreateEnv = (delegate* unmanaged<int, byte*, IntPtr*, IntPtr>)t[3];
        CreateSession = (delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)t[7];
        CreateSessionFromArray = (delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)t[8];
        Run = (delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)t[9];
        CreateSessionOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[10];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)t[23];
        SetIntraOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[24];
        SetInterOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[25];
        SessionGetInputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[30];
        SessionGetOutputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[34];
        SessionGetInputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)t[36];
        SessionGetOutputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)t[37];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)t[49];
        GetTensorMutableData = (delegate* unmanaged<IntPtr, void**, IntPtr>)t[51];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[55];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[56];
        GetTensorElementType = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[60];
        GetDimensionsCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[61];
        GetDimensions = (delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)t[62];
        GetSymbolicDimensions = (delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr>)t[63];
        GetTensorShapeElementCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[64];
        GetTensorTypeAndShape = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[65];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, IntPtr*, IntPtr>)t[69];
        AllocatorFree = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)t[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[78];
        ReleaseEnv = (delegate* unmanaged<IntPtr, void>)t[92];
        ReleaseStatus = (delegate* unmanaged<IntPtr, void>)t[93];
        ReleaseMemoryInfo = (delegate* unmanaged<IntPtr, void>)t[94];
        ReleaseSession = (delegate* unmanaged<IntPtr, void>)t[95];
        ReleaseValue = (delegate* unmanaged<IntPtr, void>)t[96];
        ReleaseTypeInfo = (delegate* unmanaged<IntPtr, void>)t[98];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<IntPtr, void>)t[99];
        ReleaseSessionOptions = (delegate* unmanaged<IntPtr, void>)t[100];
        AddSessionConfigEntry = (delegate* unmanaged<IntPtr, byte*, byte*, IntPtr>)t[130];
    }

    private static readonly object Gate = new();
    private static OrtApi? _instance;

    /// <summary>
    /// Loads the library once per process (from <paramref name="libraryPath"/> or the locator's
    /// search) and returns the table.
    /// </summary>
    public static OrtApi Get(string? libraryPath = null)
    {
        lock (Gate)
        {
            // One ONNX Runtime per process: later calls reuse the first library whatever path they name.
            if (_instance != null) return _instance;
            var path = OrtLibraryLocator.Locate(libraryPath);
            IntPtr handle;
            try { handle = NativeLibrary.Load(path); }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new ConceptDataException($"{path}: cannot load the ONNX Runtime library ({e.Message}). Run './run.sh setup' or point {OrtLibraryLocator.EnvironmentVariable} at a working copy.", e);
            }
            if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBase))
                throw new ConceptDataException($"{path}: not an ONNX Runtime library (no OrtGetApiBase export).");
            // OrtApiBase is { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }.
            var apiBase = (void**)((delegate* unmanaged<IntPtr>)getApiBase)();
            var version = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)apiBase[1])()) ?? "?";
            var table = (void**)((delegate* unmanaged<uint, IntPtr>)apiBase[0])(RequestedVersion);
            if (table == null)
                throw new ConceptDataException($"{path}: ONNX Runtime {version} does not serve API version {RequestedVersion}; use version 1.{RequestedVersion} or newer.");
            return _instance = new OrtApi(table, version, path);
        }
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ORT's message when <paramref name="status"/> is not null, releasing it.</summary>
    public void Check(IntPtr status, string context)
    {
        if (status == IntPtr.Zero) return;
        int code = GetErrorCode(status);
        string message = Marshal.PtrToStringUTF8(GetErrorMessage(status)) ?? "(no message)";
        ReleaseStatus(status);
        throw new OnnxRuntimeException(code, $"{context}: {message}");
    }
}
