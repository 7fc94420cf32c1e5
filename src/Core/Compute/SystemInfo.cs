using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetConcepts.Compute;

/// <summary>What the compute layer runs on: backend, kernel, threads and CPU features.</summary>
public static class SystemInfo
{
    /// <summary>
    /// Name/value pairs describing the compute setup, for <c>mlnc info --system</c> and benchmark
    /// output: the GEMM backend in force, OpenBLAS's kernel and where its core type came from
    /// (user, auto or the library's own detection), the managed kernel, threads and CPU features.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var list = new List<KeyValuePair<string, string>>
        {
            new("backend", ComputeSettings.Gemm.Name),
            new("threads", ComputeSettings.Threads.ToString(CultureInfo.InvariantCulture)),
            new("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            new("cpu features", CpuFeatures()),
        };
        if (OpenBlasLibrary.IsAvailable)
        {
            list.Add(new("openblas kernel", OpenBlasLibrary.CoreName ?? "unknown"));
            list.Add(new("openblas core type", OpenBlasLibrary.CoreTypeSource switch
            {
                CoreTypeSource.User => $"{OpenBlasLibrary.RequestedCoreType} (user: {OpenBlasCoreType.Variable})",
                CoreTypeSource.Auto => $"{OpenBlasLibrary.RequestedCoreType} (auto: chosen from CPU features)",
                _ => "detected by OpenBLAS",
            } + KernelMismatch()));
            list.Add(new("openblas self-check", OpenBlasGemm.SelfCheckError ?? "passed"));
            list.Add(new("openblas library", $"{OpenBlasLibrary.LibraryPath} ({OpenBlasLibrary.Config})"));
        }
        else
        {
            list.Add(new("openblas", OpenBlasLibrary.LoadError ?? "not available"));
        }
        list.Add(new("managed kernel", new ManagedGemm(1).Name.Replace(", 1 thread", "", StringComparison.Ordinal)));
        list.Add(new("os", RuntimeInformation.OSDescription));
        list.Add(new("runtime", RuntimeInformation.FrameworkDescription));
        return list;
    }

    // A requested core type OpenBLAS does not know (a typo, or a name from a newer release) is
    // ignored by the library, which then detects the CPU itself: say so next to the request.
    private static string KernelMismatch() =>
        OpenBlasLibrary.RequestedCoreType is string requested && OpenBlasLibrary.CoreName is string actual
        && !string.Equals(requested, actual, StringComparison.OrdinalIgnoreCase)
            ? $"; OpenBLAS did not accept it and runs {actual}"
            : "";

    /// <summary>The SIMD features the kernels care about, e.g. "AVX2 FMA AVX-512F Vector512".</summary>
    public static string CpuFeatures()
    {
        var f = new List<string>();
        if (Avx2.IsSupported) f.Add("AVX2");
        if (Fma.IsSupported) f.Add("FMA");
        if (Avx512F.IsSupported) f.Add("AVX-512F");
        if (Vector512.IsHardwareAccelerated) f.Add("Vector512");
        else if (Vector256.IsHardwareAccelerated) f.Add("Vector256");
        return f.Count == 0 ? "none" : string.Join(' ', f);
    }
}
