using System.Text.Json.Nodes;
using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>Reads the oracle files written by tools/fixtures/cluster.py.</summary>
internal static class ClusterFixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Clustering");

    public static string PathOf(string name) => Path.Combine(Dir, name);

    public static float[] Matrix(string name, out int rows, out int cols) => NpyFile.ReadMatrix(PathOf(name), out rows, out cols);

    public static int[] Ints(string name)
    {
        var a = NpyFile.Read(PathOf(name));
        return a.ToInt32();
    }

    public static double[] Doubles(string name) => NpyFile.Read(PathOf(name)).ToFloat64();

    public static JsonNode Oracles => JsonNode.Parse(File.ReadAllText(PathOf("cluster_oracles.json")))!;

    /// <summary>True when two labelings define the same partition (equal up to renaming the labels).</summary>
    public static bool SamePartition(int[] a, int[] b)
    {
        if (a.Length != b.Length) return false;
        var ab = new Dictionary<int, int>();
        var ba = new Dictionary<int, int>();
        for (int i = 0; i < a.Length; i++)
        {
            if (ab.TryGetValue(a[i], out int x) && x != b[i]) return false;
            if (ba.TryGetValue(b[i], out int y) && y != a[i]) return false;
            ab[a[i]] = b[i];
            ba[b[i]] = a[i];
        }
        return true;
    }
}
