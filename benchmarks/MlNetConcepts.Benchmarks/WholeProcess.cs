using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Runs a whole program under <c>/usr/bin/time</c> (start-up, reading, computing and writing included)
/// and returns its wall-clock, user and system CPU time and peak memory: how the CLI-level suites
/// compare our command with a reference script in the same run.
/// </summary>
internal static class WholeProcess
{
    public sealed record Timing(double Wall, double User, double System, long MaxRssKb, int ExitCode, string Output)
    {
        public double Cpu => User + System;
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Wall:0.00} s wall, {User:0.00} + {System:0.00} s CPU, {MaxRssKb / 1024} MB peak");
    }

    /// <summary>
    /// The published <c>mlnc.dll</c> of this checkout (<c>out/mlnc</c>, ReadyToRun: the binary users run), found by
    /// walking up from the benchmark program.
    /// </summary>
    public static string Mlnc() => Find(Path.Combine("out", "mlnc", "mlnc.dll"))
        ?? throw new FileNotFoundException("out/mlnc/mlnc.dll not found; ./run.sh bench publishes it (or ./run.sh mlnc --help).");

    /// <summary>A file of this checkout (e.g. <c>benchmarks/python/x.py</c>), or null.</summary>
    public static string? Find(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, relative))) return Path.Combine(d.FullName, relative);
        return null;
    }

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/>. Python references get the thread count and
    /// the OpenBLAS kernel our binding uses, so ratios compare like with like.
    /// </summary>
    public static Timing Run(string program, IEnumerable<string> args)
    {
        string timeFile = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-f", "%e %U %S %M", "-o", timeFile, program }.Concat(args)) info.ArgumentList.Add(a);
            string threads = ComputeSettings.Threads.ToString(CultureInfo.InvariantCulture);
            info.Environment["OMP_NUM_THREADS"] = threads;
            info.Environment["OPENBLAS_NUM_THREADS"] = threads;
            if (OpenBlasLibrary.RequestedCoreType is string core) info.Environment[OpenBlasCoreType.Variable] = core;
            using var p = Process.Start(info)!;
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var f = File.ReadAllLines(timeFile).Last().Split(' ');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new Timing(D(0), D(1), D(2), long.Parse(f[3], CultureInfo.InvariantCulture), p.ExitCode, (output + err.Result).Trim());
        }
        finally { File.Delete(timeFile); }
    }
}
