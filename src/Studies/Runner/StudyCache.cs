using System.Security.Cryptography;
using System.Text;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// Results of study stages kept on disk under a key that hashes everything they depend on
/// (input file contents and the stage's options), so an interrupted or extended study redoes
/// only what changed. Entries are written atomically; a missing or partial entry is recomputed.
/// </summary>
public sealed class StudyCache(string directory)
{
    private readonly Dictionary<string, string> _fileHashes = new(StringComparer.Ordinal);

    /// <summary>The cache folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>Stages computed (not found in the cache) during this run.</summary>
    public int Recomputed { get; private set; }

    /// <summary>Stages served from the cache during this run.</summary>
    public int Reused { get; private set; }

    /// <summary>SHA-256 of a file's content (memoised per run).</summary>
    public string HashFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (_fileHashes.TryGetValue(full, out var h)) return h;
        using var s = File.OpenRead(full);
        h = Convert.ToHexStringLower(SHA256.HashData(s));
        _fileHashes[full] = h;
        return h;
    }

    /// <summary>A short key from parts (file hashes, option strings, upstream keys).</summary>
    public static string Key(params string[] parts)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts))))[..24];

    /// <summary>
    /// Returns the folder of a cached stage, computing it first when absent: <paramref name="compute"/>
    /// fills a temporary folder that is renamed into place only when it returns.
    /// </summary>
    public string GetOrCompute(string stage, string key, Action<string> compute)
    {
        var final = Path.Combine(Directory, $"{stage}-{key}");
        if (System.IO.Directory.Exists(final)) { Reused++; return final; }
        var tmp = final + $".tmp{Environment.ProcessId}";
        if (System.IO.Directory.Exists(tmp)) System.IO.Directory.Delete(tmp, true);
        System.IO.Directory.CreateDirectory(tmp);
        try
        {
            compute(tmp);
            System.IO.Directory.Move(tmp, final);
        }
        catch
        {
            try { System.IO.Directory.Delete(tmp, true); } catch (IOException) { /* the original error matters more */ }
            throw;
        }
        Recomputed++;
        return final;
    }
}
