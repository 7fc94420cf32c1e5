namespace MlNetConcepts.Transforms.Images;

/// <summary>Decodes an image file by its content (JPEG, PNG, WebP, GIF, BMP; see <see cref="SkiaDecoder"/>), not its extension.</summary>
public static class ImageFile
{
    /// <summary>File extensions listed when a folder of images is read.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp" };

    /// <summary>Reads and decodes <paramref name="path"/>; a corrupt or unsupported file raises a <see cref="ConceptDataException"/> naming it.</summary>
    public static RasterImage Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ConceptDataException($"{path}: file not found.", e); }
        return Decode(data, path);
    }

    /// <summary>Decodes image bytes; <paramref name="source"/> names them in errors (truncated, corrupt, unsupported).</summary>
    public static RasterImage Decode(byte[] data, string source)
    {
        if (data.Length == 0) throw new ConceptDataException($"{source}: empty file, not an image.");
        return SkiaDecoder.Decode(data, source);
    }

    /// <summary>The image files of a folder, sorted by ordinal name so row order is reproducible.</summary>
    public static IReadOnlyList<string> ListFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new ConceptDataException($"{folder}: image folder not found.");
        var files = Directory.EnumerateFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new ConceptDataException($"{folder}: no images (.png, .jpg, .jpeg, .webp, .gif, .bmp) found.");
        return files;
    }

    /// <summary>
    /// The skip-and-report path: decodes every file once and returns those that decode, listing
    /// the others with the reason in <paramref name="rejected"/> (instead of failing the run).
    /// </summary>
    public static IReadOnlyList<string> Readable(IReadOnlyList<string> files, out IReadOnlyList<(string File, string Reason)> rejected)
    {
        var ok = new List<string>(files.Count);
        var bad = new List<(string, string)>();
        foreach (var f in files)
        {
            try
            {
                Read(f);
                ok.Add(f);
            }
            catch (ConceptDataException e) { bad.Add((f, e.Message)); }
        }
        rejected = bad;
        return ok;
    }
}
