namespace MlNetConcepts.Compute;

/// <summary>What the compute layer runs on: backend, kernel, threads and CPU features.</summary>
public static class SystemInfo
{
    /// <summary>Name/value pairs describing the compute setup, for <c>mlnc info --system</c> and benchmark output.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe() =>
    [
        new("backend", ComputeSettings.Gemm.Name),
        new("threads", ComputeSettings.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("processors", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription),
        new("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription),
    ];
}
