using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Benchmarks;

/// <summary>The header every suite prints: machine, date and the compute setup.</summary>
internal static class Machine
{
    public static string CpuModel()
    {
        try
        {
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
            string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l[name.Length..].TrimStart().StartsWith(':'))
                is string l ? l[(l.IndexOf(':') + 1)..].Trim() : null;
            // Virtual machines often show a bare "AMD EPYC": family and model tell the generation.
            if (Field("model name") is string model) return $"{model} (family {Field("cpu family")}, model {Field("model")})";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return double.NaN; }
    }

    public static void PrintHeader(string suite)
    {
        Console.WriteLine($"== {suite} benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {CpuModel()}, {Environment.ProcessorCount} logical processors, " +
                          $"AVX2={Avx2.IsSupported}, AVX-512F={Avx512F.IsSupported}, load average {LoadAverage():0.0}");
        foreach (var (key, value) in SystemInfo.Describe()) Console.WriteLine($"{key}: {value}");
    }
}
