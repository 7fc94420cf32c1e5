using System.Runtime.InteropServices;

namespace MlNetConcepts.Compute;

/// <summary>
/// Writes to the C library's environment. On Linux, .NET keeps its own copy of the environment,
/// so <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach a native
/// library that calls <c>getenv</c> while it loads (OpenBLAS reads <c>OPENBLAS_CORETYPE</c> that
/// way); libc's <c>setenv</c> does.
/// </summary>
internal static unsafe class NativeEnvironment
{
    /// <summary>
    /// Sets <paramref name="name"/> in both the C environment and .NET's copy (so child processes
    /// see it too). Returns false when libc's <c>setenv</c> is not available (e.g. on Windows).
    /// </summary>
    public static bool TrySet(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return false;
        nint libc = 0;
        foreach (var candidate in new[] { "libc.so.6", "libc" })
            if (NativeLibrary.TryLoad(candidate, out libc)) break;
        if (libc == 0 || !NativeLibrary.TryGetExport(libc, "setenv", out nint setenv)) return false;
        var fn = (delegate* unmanaged<byte*, byte*, int, int>)setenv;
        nint n = Marshal.StringToCoTaskMemUTF8(name), v = Marshal.StringToCoTaskMemUTF8(value);
        try { return fn((byte*)n, (byte*)v, 1) == 0; }
        finally { Marshal.FreeCoTaskMem(n); Marshal.FreeCoTaskMem(v); }
    }
}
