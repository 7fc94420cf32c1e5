using System.CommandLine;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Cli;

/// <summary>Options every command accepts (declared recursive on the root).</summary>
internal static class GlobalOptions
{
    public static readonly Option<int?> Threads = new("--threads")
    {
        Description = "Threads for compute kernels (default: all cores, or MLNC_THREADS).",
        Recursive = true,
    };

    public static readonly Option<string?> Backend = new("--backend")
    {
        Description = "GEMM backend: auto, blas, managed or reference (default: auto, or MLNC_BACKEND).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On an error, also print the exception's stack trace.",
        Recursive = true,
    };

    /// <summary>Applies the global options to the process-wide compute settings.</summary>
    public static void Apply(ParseResult result)
    {
        if (result.GetValue(Threads) is int t)
        {
            if (t < 1) throw new ConceptDataException($"--threads must be at least 1, got {t}.");
            ComputeSettings.Threads = t;
        }
        if (result.GetValue(Backend) is string b) ComputeSettings.Backend = ComputeSettings.ParseBackend(b, "--backend");
    }
}
