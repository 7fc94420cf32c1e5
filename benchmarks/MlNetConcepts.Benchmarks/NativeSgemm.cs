using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// OpenBLAS's own figure: compiles <c>benchmarks/native/sgemm_bench.c</c> with gcc against the
/// same library file our binding loaded and runs it with the same thread count and core type.
/// </summary>
internal static class NativeSgemm
{
    public sealed record Result(Timing Timing, string CoreName, int Threads);

    /// <summary>Path of the compiled program, or null with the reason printed.</summary>
    public static string? Build()
    {
        string? source = FindSource();
        if (source is null) { Console.WriteLine("native: benchmarks/native/sgemm_bench.c not found; skipped"); return null; }
        if (OpenBlasLibrary.LibraryPath is not string lib) { Console.WriteLine($"native: {OpenBlasLibrary.LoadError}; skipped"); return null; }
        string exe = Path.Combine(AppContext.BaseDirectory, "sgemm_bench");
        var (code, output) = Run("gcc", ["-O2", "-o", exe, source, lib], null);
        if (code != 0) { Console.WriteLine($"native: gcc failed ({output.Trim()}); install gcc (./run.sh setup --dev); skipped"); return null; }
        return exe;
    }

    /// <summary>Runs the C program; <paramref name="coreType"/> overrides the core type (for an informational comparison).</summary>
    public static Result? Measure(string exe, int m, int n, int k, int repeats, int threads, string? coreType = null)
    {
        var env = new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture) };
        // Same kernel as our binding, whoever chose it (user or our CPU detection).
        if ((coreType ?? OpenBlasLibrary.RequestedCoreType) is string core) env[OpenBlasCoreType.Variable] = core;
        var (code, output) = Run(exe, new[] { m, n, k, repeats }.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(), env);
        if (code != 0) { Console.WriteLine($"native: sgemm_bench exited with {code}: {output.Trim()}"); return null; }
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        return new Result(
            new Timing(double.Parse(values["best_seconds"], CultureInfo.InvariantCulture), double.Parse(values["median_seconds"], CultureInfo.InvariantCulture)),
            values["corename"], int.Parse(values["threads"], CultureInfo.InvariantCulture));
    }

    private static string? FindSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "benchmarks", "native", "sgemm_bench.c");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static (int Code, string Output) Run(string file, string[] args, Dictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env is not null) foreach (var (key, value) in env) info.Environment[key] = value;
        try
        {
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
