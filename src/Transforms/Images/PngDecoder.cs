using System.Buffers.Binary;
using System.IO.Compression;

namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// Managed PNG decoder (PNG specification, ISO/IEC 15948): every colour type (grey, RGB,
/// palette, grey+alpha, RGBA) at every bit depth it allows, the five scanline filters, chunk
/// CRCs checked. Alpha is dropped. Interlaced (Adam7) files are rejected with a clear error.
/// </summary>
public static class PngDecoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Whether <paramref name="head"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>Decodes PNG bytes; <paramref name="source"/> names the file in errors.</summary>
    public static RasterImage Decode(byte[] data, string source)
    {
        if (!IsPng(data)) throw Bad(source, "not a PNG file (bad signature)");
        int pos = 8, width = 0, height = 0, depth = 0, colorType = -1;
        byte[]? palette = null;
        var idat = new MemoryStream();
        bool ended = false;
        while (!ended)
        {
            if (pos + 12 > data.Length) throw Bad(source, "truncated (chunk header runs past the end)");
            uint len = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (len > int.MaxValue || pos + 12 + (long)len > data.Length) throw Bad(source, "truncated (chunk runs past the end)");
            var typeAndBody = data.AsSpan(pos + 4, 4 + (int)len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos + 8 + (int)len));
            if (MlNetConcepts.Imaging.Crc32.Compute(typeAndBody) != crc) throw Bad(source, $"corrupt (CRC mismatch in chunk '{System.Text.Encoding.ASCII.GetString(typeAndBody[..4])}')");
            string type = System.Text.Encoding.ASCII.GetString(typeAndBody[..4]);
            var body = typeAndBody[4..];
            switch (type)
            {
                case "IHDR":
                    if (body.Length != 13) throw Bad(source, "corrupt IHDR");
                    width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body));
                    height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                    depth = body[8];
                    colorType = body[9];
                    if (body[10] != 0 || body[11] != 0) throw Bad(source, "unknown compression or filter method");
                    if (body[12] != 0) throw Bad(source, "interlaced (Adam7) PNGs are not supported; re-save it without interlacing");
                    if (!ValidDepth(colorType, depth)) throw Bad(source, $"invalid colour type {colorType} with bit depth {depth}");
                    if (width <= 0 || height <= 0) throw Bad(source, $"invalid size {width}×{height}");
                    break;
                case "PLTE": palette = body.ToArray(); break;
                case "IDAT": idat.Write(body); break;
                case "IEND": ended = true; break;
            }
            pos += 12 + (int)len;
        }
        if (colorType < 0) throw Bad(source, "no IHDR chunk");
        if (colorType == 3 && palette == null) throw Bad(source, "palette image without a PLTE chunk");
        int samplesPerPixel = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        int bitsPerPixel = samplesPerPixel * depth;
        int stride = checked((int)(((long)width * bitsPerPixel + 7) / 8));
        int bpp = Math.Max(1, bitsPerPixel / 8);
        var raw = new byte[checked((long)(stride + 1) * height)];
        idat.Position = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            int read = 0;
            while (read < raw.Length)
            {
                int n = z.Read(raw, read, raw.Length - read);
                if (n == 0) throw Bad(source, $"truncated image data ({read} of {raw.Length} bytes)");
                read += n;
            }
        }
        catch (InvalidDataException e) { throw new ConceptDataException($"{source}: corrupt PNG (compressed data: {e.Message}).", e); }
        var pixels = Unfilter(raw, stride, height, bpp, source);
        return ToImage(pixels, width, height, stride, depth, colorType, palette, source);
    }

    private static bool ValidDepth(int colorType, int depth) => colorType switch
    {
        0 => depth is 1 or 2 or 4 or 8 or 16,
        3 => depth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => depth is 8 or 16,
        _ => false,
    };

    /// <summary>Reverses the per-scanline filters (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth).</summary>
    private static byte[] Unfilter(byte[] raw, int stride, int height, int bpp, string source)
    {
        var out_ = new byte[(long)stride * height];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var cur = out_.AsSpan(y * stride, stride);
            var prev = y > 0 ? out_.AsSpan((y - 1) * stride, stride) : Span<byte>.Empty;
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0;
                int b = y > 0 ? prev[i] : 0;
                int c = i >= bpp && y > 0 ? prev[i - bpp] : 0;
                int x = line[i];
                cur[i] = filter switch
                {
                    0 => (byte)x,
                    1 => (byte)(x + a),
                    2 => (byte)(x + b),
                    3 => (byte)(x + ((a + b) >> 1)),
                    4 => (byte)(x + Paeth(a, b, c)),
                    _ => throw Bad(source, $"corrupt (unknown filter type {filter} on row {y})"),
                };
            }
        }
        return out_;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static RasterImage ToImage(byte[] px, int width, int height, int stride, int depth, int colorType, byte[]? palette, string source)
    {
        int spp = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        int outCh = colorType is 2 or 3 or 6 ? 3 : 1;
        var result = new float[(long)width * height * outCh];
        float max = (1 << depth) - 1;
        for (int y = 0; y < height; y++)
        {
            int row = y * stride;
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < Math.Min(spp, outCh == 3 && colorType != 3 ? 3 : 1); c++)
                {
                    int sampleIndex = x * spp + c;
                    int v = depth switch
                    {
                        8 => px[row + sampleIndex],
                        16 => (px[row + 2 * sampleIndex] << 8) | px[row + 2 * sampleIndex + 1],
                        _ => (px[row + sampleIndex * depth / 8] >> (8 - depth - sampleIndex * depth % 8)) & ((1 << depth) - 1),
                    };
                    long o = ((long)y * width + x) * outCh;
                    if (colorType == 3)
                    {
                        if (3 * v + 2 >= palette!.Length) throw Bad(source, $"palette index {v} out of range at ({x},{y})");
                        result[o] = palette[3 * v];
                        result[o + 1] = palette[3 * v + 1];
                        result[o + 2] = palette[3 * v + 2];
                    }
                    else result[o + c] = v * 255f / max;
                }
            }
        }
        return new RasterImage(width, height, outCh, result);
    }

    private static ConceptDataException Bad(string source, string what) => new($"{source}: {what}.");
}
