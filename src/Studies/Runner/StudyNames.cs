namespace MlNetConcepts.Studies.Runner;

/// <summary>File-safe labels for the methods a study compares.</summary>
internal static class StudyNames
{
    public static string Of(SaeSpec s) => $"sae-{s.Arch}-x{s.Expansion}-k{s.K}";

    public static string Of(ClusterSpec c) => c.Method == "agglomerative" ? $"{c.Method}-{c.Linkage}-k{c.K}" : $"{c.Method}-k{c.K}";

    public static string Pair(SaeSpec s, ClusterSpec c) => $"{Of(s)}__{Of(c)}";
}
