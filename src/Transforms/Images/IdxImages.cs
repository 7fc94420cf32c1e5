using System.Buffers.Binary;
using System.IO.Compression;

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
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ConceptDataException($"{path}: file not found.", e); }
        if (data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B)
        {
            try
            {
                using var z = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
                var m = new MemoryStream();
                z.CopyTo(m);
                data = m.ToArray();
            }
            catch (InvalidDataException e) { throw new ConceptDataException($"{path}: corrupt gzip data ({e.Message}).", e); }
        }
        if (data.Length < 4 || data[0] != 0 || data[1] != 0) throw new ConceptDataException($"{path}: not an IDX file (bad magic).");
        int type = data[2], rank = data[3];
        int size = type switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, 0x0E => 8, _ => throw new ConceptDataException($"{path}: unknown IDX element type 0x{type:X2}.") };
        if (rank == 0 || 4 + 4 * rank > data.Length) throw new ConceptDataException($"{path}: truncated IDX header.");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) { shape[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * i)); count *= shape[i]; }
        int off = 4 + 4 * rank;
        if (count < 0 || off + count * size > data.Length)
            throw new ConceptDataException($"{path}: truncated IDX data: shape [{string.Join(",", shape)}] needs {count * size} bytes, {data.Length - off} present.");
        var v = new float[count];
        var d = data.AsSpan(off);
        for (long i = 0; i < count; i++)
        {
            int j = (int)(i * size);
            v[i] = type switch
            {
                0x08 => d[j],
                0x09 => (sbyte)d[j],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(d[j..]),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(d[j..]),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(d[j..]),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(d[j..]),
            };
        }
        return (v, shape);
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
