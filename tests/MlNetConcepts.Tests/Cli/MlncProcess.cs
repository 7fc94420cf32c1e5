using System.Diagnostics;
using MlNetConcepts.Cli;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// Runs the built <c>mlnc</c> in a child process, for what only a fresh process shows: how
/// OpenBLAS is set up at load time for a given environment, and what reaches a real terminal.
/// </summary>
internal static class MlncProcess
{
    /// <summary>
    /// Runs <c>dotnet mlnc.dll args</c> with <paramref name="environment"/> applied on top of this
    /// process's environment (a null value removes the variable).
    /// </summary>
    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        string dll = typeof(MlncApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment)
        {
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
        }
        using var p = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); Assert.Fail($"mlnc {string.Join(' ', args)} did not finish in 2 minutes."); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
