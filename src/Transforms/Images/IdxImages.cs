using MlNetConcepts.IO;

namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// IDX arrays (the MNIST / Fashion-MNIST format, optionally gzipped): magic 0x00 0x00, a type
/// byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E
/// float64), the rank, big-endian int32 dimensions, then big-endian data. A rank-3 uint8 array
/// [N, H, W] is N grey images; rank 4 [N, H, W, C] with C = 1 or 3 is also read as images.
/// </summary>
public static class IdxImages
{
    /// <summary>Reads an IDX file (gzipped when it starts with 0x1F 0x8B) as float values with its shape.</summary>
    public static (float[] Values, int[] Shape) ReadArray(string path)
    {
        // Parsing (magic, big-endian dimensions, gzip, every IDX element type) is Core's IdxFile.
        var array = IdxFile.Read(path);
        return (array.ToFloat32(), array.Shape.Select(d => checked((int)d)).ToArray());
    }

    /// <summary>Reads an IDX image array ([N,H,W] or [N,H,W,C]) as images with 0..255 samples.</summary>
    public static IReadOnlyList<RasterImage> ReadImages(string path, int? limit = null)
    {
        var (v, shape) = ReadArray(path);
        if (shape.Length is not (3 or 4) || (shape.Length == 4 && shape[3] is not (1 or 3)))
            throw new ConceptDataException($"{path}: IDX shape [{string.Join(",", shape)}] is not a stack of images ([N,H,W] or [N,H,W,C] with C 1 or 3).");
        int n = limit.HasValue ? Math.Min(limit.Value, shape[0]) : shape[0];
        int h = shape[1], w = shape[2], c = shape.Length == 4 ? shape[3] : 1;
        int per = h * w * c;
        var list = new RasterImage[n];
        for (int i = 0; i < n; i++) list[i] = new RasterImage(w, h, c, v.AsSpan(i * per, per).ToArray());
        return list;
    }
}
