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
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
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
