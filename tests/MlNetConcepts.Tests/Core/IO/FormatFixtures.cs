using System.Text.Json.Nodes;

namespace MlNetConcepts.Tests.Core.IO;

/// <summary>
/// Access to the fixtures written by tools/fixtures/formats.py (numpy is the oracle) and to
/// scratch folders for files the tests write or damage.
/// </summary>
internal static class FormatFixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Formats");

    public static string PathOf(string name) => Path.Combine(Dir, name);

    private static readonly Lazy<JsonObject> ExpectedJson = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("expected.json")))!);

    /// <summary>numpy's description of a fixture (or of an entry inside it).</summary>
    public static JsonObject Expected(string file, string? entry = null)
    {
        var node = (JsonObject)ExpectedJson.Value[file]!;
        return entry is null ? node : (JsonObject)node[entry]!;
    }

    public static long[] Shape(JsonObject e) => e["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();

    /// <summary>The flattened values, NaN where the JSON has null.</summary>
    public static double[] Values(JsonObject e) => e["values"]!.AsArray().Select(x => x is null ? double.NaN : x.GetValue<double>()).ToArray();

    public static double Number(JsonObject e, string key) => e[key] is null ? double.NaN : e[key]!.GetValue<double>();

    /// <summary>A fresh empty folder, deleted when the returned handle is disposed.</summary>
    public static TempDir NewTempDir() => new();

    /// <summary>Copies a fixture into a scratch folder and returns the copy's path (to damage it).</summary>
    public static string CopyTo(TempDir dir, string fixture, string? name = null)
    {
        var target = Path.Combine(dir.Path, name ?? fixture);
        File.Copy(PathOf(fixture), target);
        return target;
    }

    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnc-formats-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).ToArray()!;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
