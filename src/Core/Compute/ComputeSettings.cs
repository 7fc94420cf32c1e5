namespace MlNetConcepts.Compute;

/// <summary>
/// Process-wide compute choices: the GEMM backend and the thread count. Defaults come from the
/// environment (<c>MLNC_BACKEND</c> = auto|blas|managed|reference, <c>MLNC_THREADS</c>), and
/// code or the CLI's <c>--backend</c>/<c>--threads</c> can override them.
/// </summary>
public static class ComputeSettings
{
    /// <summary>Environment variable naming the backend.</summary>
    public const string BackendVariable = "MLNC_BACKEND";
    /// <summary>Environment variable giving the thread count.</summary>
    public const string ThreadsVariable = "MLNC_THREADS";

    private static ComputeBackendKind? _backend;
    private static int? _threads;
    private static IGemmBackend? _resolved;
    private static readonly object Gate = new();

    /// <summary>The requested backend (from the environment unless set).</summary>
    public static ComputeBackendKind Backend
    {
        get => _backend ?? ParseBackend(Environment.GetEnvironmentVariable(BackendVariable), BackendVariable);
        set { lock (Gate) { _backend = value; _resolved = null; } }
    }

    /// <summary>Threads used by compute kernels (default: all processors).</summary>
    public static int Threads
    {
        get
        {
            if (_threads is int t) return t;
            var env = Environment.GetEnvironmentVariable(ThreadsVariable);
            if (string.IsNullOrEmpty(env)) return Environment.ProcessorCount;
            return int.TryParse(env, out int v) && v > 0
                ? v
                : throw new ConceptDataException($"{ThreadsVariable}='{env}' is not a positive integer.");
        }
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread is needed.");
            lock (Gate) { _threads = value; _resolved = null; }
        }
    }

    /// <summary>Parses a backend name (auto, blas, managed, reference); <paramref name="source"/> names it in errors.</summary>
    public static ComputeBackendKind ParseBackend(string? text, string source) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ComputeBackendKind.Auto,
        "blas" or "openblas" => ComputeBackendKind.Blas,
        "managed" or "simd" => ComputeBackendKind.Managed,
        "reference" or "naive" => ComputeBackendKind.Reference,
        _ => throw new ConceptDataException($"{source}: unknown backend '{text}' (use auto, blas, managed or reference)."),
    };

    /// <summary>The GEMM backend in force, resolved once per setting.</summary>
    public static IGemmBackend Gemm
    {
        get
        {
            lock (Gate) return _resolved ??= GemmBackends.Create(Backend, Threads);
        }
    }
}
