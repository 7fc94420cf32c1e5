using System.IO.Compression;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader for numpy's <c>.npz</c> archives (<c>numpy.savez</c> / <c>savez_compressed</c>): a zip
/// file whose members are <c>.npy</c> files, stored or deflated. Arrays are named after their
/// member without the <c>.npy</c> extension, as <c>numpy.load(path).files</c> lists them.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads the arrays of the archive (those <paramref name="include"/> accepts, or all), in archive order.</summary>
    public static IReadOnlyDictionary<string, NdArray> Read(string path, Func<string, bool>? include = null)
    {
        var result = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (var (name, array) in ReadEntries(path, include)) result[name] = array;
        return result;
    }

    /// <summary>
    /// Reads the arrays of the archive as (name, array) pairs in archive order; with
    /// <paramref name="include"/>, members it rejects are skipped unread (e.g. scipy's string <c>format</c>).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, NdArray>> ReadEntries(string path, Func<string, bool>? include = null)
    {
        using var file = NpyFile.OpenRead(path);
        ZipArchive zip;
        try { zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new ConceptDataException($"{path}: not a valid .npz (zip) archive ({e.Message}).", e); }
        using (zip)
        {
            var list = new List<KeyValuePair<string, NdArray>>();
            foreach (var entry in zip.Entries)
            {
                // numpy only treats members ending in .npy as arrays; directories and other files are skipped.
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = entry.FullName[..^4];
                if (include is not null && !include(name)) continue;
                string source = $"{path}[{name}]";
                if (entry.Length > Array.MaxLength)
                    throw new ConceptDataException($"{source}: member of {entry.Length} bytes is too large to load.");
                var buffer = new MemoryStream((int)entry.Length);
                try
                {
                    using var s = entry.Open();
                    s.CopyTo(buffer);
                }
                catch (InvalidDataException e) { throw new ConceptDataException($"{source}: corrupt archive member ({e.Message}).", e); }
                buffer.Position = 0;
                list.Add(new(name, NpyFile.Read(buffer, source, exactLength: true)));
            }
            return list;
        }
    }
}
