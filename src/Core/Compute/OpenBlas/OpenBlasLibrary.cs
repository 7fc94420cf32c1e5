using System.Runtime.InteropServices;

namespace MlNetConcepts.Compute;

/// <summary>
/// The OpenBLAS shared library, loaded once per process by full path (Debian's
/// <c>libopenblas0-pthread</c>), with the few entry points the compute layer uses. Before the
/// load the core type is settled (<see cref="OpenBlasCoreType"/>) and written with libc
/// <c>setenv</c>, because OpenBLAS reads it from the C environment while it loads.
/// </summary>
public static unsafe class OpenBlasLibrary
{
    /// <summary>Environment variable that may give the library's full path.</summary>
    public const string PathVariable = "MLNC_OPENBLAS";

    /// <summary>How to get the library on Debian/Ubuntu, for error messages.</summary>
    public const string InstallHint = "install it with `apt-get install libopenblas0-pthread`";

    private static readonly Lazy<State> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object ThreadGate = new();
    private static int _threadsInForce = -1;

    private sealed class State(
        nint handle, string? path, string? error, string? coreName, string? config,
        string? userCoreType, string? requestedCoreType, CoreTypeSource coreTypeSource,
        delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm,
        delegate* unmanaged<int, void> setThreads)
    {
        public nint Handle { get; } = handle;
        public string? Path { get; } = path;
        public string? Error { get; } = error;
        public string? CoreName { get; } = coreName;
        public string? Config { get; } = config;
        public string? UserCoreType { get; } = userCoreType;
        public string? RequestedCoreType { get; } = requestedCoreType;
        public CoreTypeSource CoreTypeSource { get; } = coreTypeSource;
        public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; } = sgemm;
        public delegate* unmanaged<int, void> SetThreads { get; } = setThreads;
    }

    /// <summary>True when the library was found and its entry points resolved.</summary>
    public static bool IsAvailable => Loaded.Value.Handle != 0;

    /// <summary>Why the library is not available (null when it is).</summary>
    public static string? LoadError => Loaded.Value.Error;

    /// <summary>The file that was loaded (after following links), or null.</summary>
    public static string? LibraryPath => Loaded.Value.Path;

    /// <summary>The kernel set OpenBLAS runs (<c>openblas_get_corename</c>), e.g. "Haswell" or "SkylakeX".</summary>
    public static string? CoreName => Loaded.Value.CoreName;

    /// <summary>OpenBLAS's build description (<c>openblas_get_config</c>), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...".</summary>
    public static string? Config => Loaded.Value.Config;

    /// <summary>The core type requested through <c>OPENBLAS_CORETYPE</c> (null: none, OpenBLAS detected the CPU).</summary>
    public static string? RequestedCoreType => Loaded.Value.RequestedCoreType;

    /// <summary>
    /// <c>OPENBLAS_CORETYPE</c> as the user left it, read before the library wrote its own choice
    /// (null when unset). Once the library has loaded, the variable itself no longer tells a user's
    /// value from an automatic one (an auto choice is written into the environment), so whoever
    /// needs to know asks here or <see cref="CoreTypeSource"/>.
    /// </summary>
    public static string? UserCoreType => Loaded.Value.UserCoreType;

    /// <summary>Who chose the core type: the user, MlNetConcepts (auto) or the library itself.</summary>
    public static CoreTypeSource CoreTypeSource => Loaded.Value.CoreTypeSource;

    /// <summary>The library paths tried, in order: <c>MLNC_OPENBLAS</c>, Debian's alternatives link and pthread build, then the plain soname.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } user) list.Add(user);
        string? triple = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x86_64-linux-gnu",
            Architecture.Arm64 => "aarch64-linux-gnu",
            _ => null,
        };
        if (triple is not null)
        {
            list.Add($"/usr/lib/{triple}/libopenblas.so.0");
            list.Add($"/usr/lib/{triple}/openblas-pthread/libopenblas.so.0");
        }
        list.Add("libopenblas.so.0");
        return list;
    }

    private static State Load()
    {
        // Remember the user's value before anything is written: after an automatic choice the
        // variable holds that choice, and reading it later would mistake it for the user's.
        string? user = Environment.GetEnvironmentVariable(OpenBlasCoreType.Variable);
        var (coreType, source) = OpenBlasCoreType.ChooseForThisMachine(user);
        // Only write the variable when we chose it: a user's value is already in the C environment.
        if (source == CoreTypeSource.Auto && coreType is not null) NativeEnvironment.TrySet(OpenBlasCoreType.Variable, coreType);

        var (handle, path, error) = LoadFirst(Candidates());
        if (handle == 0) return new State(0, null, error, null, null, user, coreType, source, null, null);
        NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm);
        NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads);
        return new State(handle, path, null, CallString(handle, "openblas_get_corename"), CallString(handle, "openblas_get_config"),
            user, coreType, source,
            (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
            (delegate* unmanaged<int, void>)setThreads);
    }

    /// <summary>
    /// Loads the first candidate that is an OpenBLAS library (exports <c>cblas_sgemm</c> and
    /// <c>openblas_set_num_threads</c>). On failure the error names every path tried, why each
    /// was rejected, and how to install the library.
    /// </summary>
    internal static (nint Handle, string? Path, string? Error) LoadFirst(IEnumerable<string> candidates)
    {
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            string path = candidate;
            if (System.IO.Path.IsPathRooted(candidate))
            {
                if (!File.Exists(candidate)) { tried.Add($"{candidate} (absent)"); continue; }
                // Follow Debian's alternatives link to the real file, so diagnostics name it.
                path = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
            if (!NativeLibrary.TryLoad(path, out nint handle)) { tried.Add($"{path} (failed to load)"); continue; }
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _)
                || !NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out _))
            {
                tried.Add($"{path} (no cblas_sgemm/openblas_set_num_threads: not OpenBLAS)");
                continue;
            }
            return (handle, path, null);
        }
        return (0, null, $"OpenBLAS (libopenblas.so.0) could not be loaded; {InstallHint}. Tried: {string.Join("; ", tried)}.");
    }

    private static string? CallString(nint handle, string export)
    {
        if (!NativeLibrary.TryGetExport(handle, export, out nint fn)) return null;
        var p = ((delegate* unmanaged<byte*>)fn)();
        return p is null ? null : Marshal.PtrToStringUTF8((nint)p)?.Trim();
    }

    /// <summary>Sets OpenBLAS's (process-wide) thread count when it differs from the last one set.</summary>
    internal static void EnsureThreads(int threads)
    {
        var s = Loaded.Value;
        if (s.Handle == 0) throw new InvalidOperationException(s.Error);
        if (Volatile.Read(ref _threadsInForce) == threads) return;
        lock (ThreadGate)
        {
            s.SetThreads(threads);
            _threadsInForce = threads;
        }
    }

    /// <summary>
    /// Raw row-major <c>cblas_sgemm</c>. The caller has checked the arguments and fixed the
    /// buffers; transposes are CblasNoTrans (111) or CblasTrans (112).
    /// </summary>
    internal static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        const int RowMajor = 101, NoTrans = 111, Trans = 112;
        Loaded.Value.Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k,
            alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
