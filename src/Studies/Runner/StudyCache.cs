using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// Results of study stages kept on disk under a key that hashes everything they depend on
/// (input file contents and the stage's options), so an interrupted or extended study redoes
/// only what changed. Entries are written atomically; a missing, partial or damaged entry is
/// recomputed: reading an entry back checks it (files complete, shapes those the stage makes),
/// and one that fails the check is discarded rather than trusted.
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

    /// <summary>Cached entries found damaged during this run (discarded and recomputed; also counted in <see cref="Recomputed"/>).</summary>
    public int Discarded { get; private set; }

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
    /// The result of a stage: <paramref name="read"/> of its cached folder when that reads back
    /// cleanly, else <paramref name="read"/> of a folder that <paramref name="compute"/> fills
    /// (a temporary folder renamed into place only when it returns). <paramref name="read"/>
    /// throws <see cref="ConceptDataException"/> (or an I/O or JSON error) when an entry is damaged:
    /// a truncated file, or shapes other than those the stage makes.
    /// </summary>
    public T GetOrCompute<T>(string stage, string key, Action<string> compute, Func<string, T> read)
    {
        var final = Path.Combine(Directory, $"{stage}-{key}");
        if (System.IO.Directory.Exists(final))
        {
            try
            {
                var cached = read(final);
                Reused++;
                return cached;
            }
            catch (Exception e) when (e is ConceptDataException or JsonException or IOException or InvalidDataException)
            {
                Discarded++;
                System.IO.Directory.Delete(final, true);
            }
        }
        Compute(final, compute);
        return read(final);
    }

    private void Compute(string final, Action<string> compute)
    {
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
    }
}
