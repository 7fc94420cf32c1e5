using System.Runtime.InteropServices;

namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// Owns one native ONNX Runtime object and calls its <c>Release*</c> function exactly once,
/// on dispose or finalisation, so no path (including exceptions) leaks it.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<IntPtr, void> _release;

    public OrtHandle(IntPtr handle, delegate* unmanaged<IntPtr, void> release) : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}

/// <summary>The process-wide ONNX Runtime environment (ORT wants one per process; it is never released).</summary>
internal static unsafe class OrtEnvironment
{
    private static readonly object Gate = new();
    private static IntPtr _env;

    /// <summary>The environment, created on first use with log level ERROR so stderr stays quiet.</summary>
    public static IntPtr Get(OrtApi api)
    {
        lock (Gate)
        {
            if (_env != IntPtr.Zero) return _env;
            var id = "mlnc\0"u8;
            IntPtr env;
            fixed (byte* p = id) api.Check(api.CreateEnv(3, p, &env), "creating the ONNX Runtime environment");
            return _env = env;
        }
    }
}
