using System.IO.Compression;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader for numpy's <c>.npz</c> archives (<c>numpy.savez</c> / <c>savez_compressed</c>): a zip
/// file whose members are <c>.npy</c> files, stored or deflated. Arrays are named after their
/// member without the <c>.npy</c> extension, as <c>numpy.load(path).files</c> lists them.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads every array of the archive, in archive order.</summary>
    public static IReadOnlyDictionary<string, NdArray> Read(string path)
    {
        var result = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (var (name, array) in ReadEntries(path)) result[name] = array;
        return result;
    }

    /// <summary>Reads every array of the archive as (name, array) pairs in archive order.</summary>
    public static IReadOnlyList<KeyValuePair<string, NdArray>> ReadEntries(string path)
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
