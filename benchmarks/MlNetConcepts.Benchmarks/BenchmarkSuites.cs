using System.Reflection;
using System.Text.RegularExpressions;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Finds the suites by convention: a static class named <c>XxxBenchmark</c> with a static method
/// <c>void Run(BenchArguments)</c> is suite "xxx"; a method <c>RunYyy(BenchArguments)</c> is suite
/// "xxx-yyy" (e.g. <c>GemmBenchmark.Run</c> → "gemm", <c>EvalBenchmark.RunBridge</c> → "eval-bridge").
/// Each area adds its own file and the suite appears without an edit to Program.cs.
/// </summary>
internal static partial class BenchmarkSuites
{
    public static SortedDictionary<string, Action<BenchArguments>> Discover()
    {
        var suites = new SortedDictionary<string, Action<BenchArguments>>(StringComparer.Ordinal);
        foreach (var type in typeof(BenchmarkSuites).Assembly.GetTypes())
        {
            if (!type.IsClass || !type.IsAbstract || !type.IsSealed || !type.Name.EndsWith("Benchmark", StringComparison.Ordinal)) continue;
            string area = Kebab(type.Name[..^"Benchmark".Length]);
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (!method.Name.StartsWith("Run", StringComparison.Ordinal) || method.ReturnType != typeof(void)) continue;
                var parameters = method.GetParameters();
                if (parameters.Length != 1 || parameters[0].ParameterType != typeof(BenchArguments)) continue;
                string rest = method.Name["Run".Length..];
                string name = rest.Length == 0 ? area : $"{area}-{Kebab(rest)}";
                suites[name] = method.CreateDelegate<Action<BenchArguments>>();
            }
        }
        return suites;
    }

    /// <summary>"KMeans" → "kmeans", "SaeStep" → "sae-step".</summary>
    internal static string Kebab(string pascal) => LowerUpper().Replace(pascal, "$1-$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex LowerUpper();
}
