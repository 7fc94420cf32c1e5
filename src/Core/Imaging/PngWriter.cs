using System.Buffers.Binary;
using System.IO.Compression;
using MlNetConcepts.IO;

namespace MlNetConcepts.Imaging;

/// <summary>
/// Writes 8-bit PNG files in managed code (PNG specification, ISO/IEC 15948): the signature,
/// an IHDR chunk, one IDAT chunk holding the zlib-compressed scanlines (each prefixed by its
/// filter type; the Sub filter is used because it compresses smooth images well and is trivial
/// to undo), and IEND. Chunk checksums are CRC-32 as the specification defines.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Encodes an image as PNG bytes.</summary>
    public static byte[] Encode(PixelImage image)
    {
        using var ms = new MemoryStream();
        Write(ms, image);
        return ms.ToArray();
    }

    /// <summary>Writes a PNG file atomically.</summary>
    public static void Save(string path, PixelImage image) => AtomicFile.Write(path, s => Write(s, image));

    /// <summary>Writes PNG bytes to a stream.</summary>
    public static void Write(Stream stream, PixelImage image)
    {
        stream.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)image.Height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = image.Channels switch { 1 => 0, 3 => 2, _ => 6 }; // gray, RGB, RGBA
        // bytes 10..12: deflate compression, adaptive filtering, no interlace (all zero)
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", Compress(image));
        WriteChunk(stream, "IEND", []);
    }

    private static byte[] Compress(PixelImage image)
    {
        int stride = image.Width * image.Channels;
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            var line = new byte[stride + 1];
            line[0] = 1; // filter type Sub: each byte minus the byte one pixel to its left
            for (int y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                for (int i = 0; i < stride; i++)
                    line[i + 1] = (byte)(row[i] - (i >= image.Channels ? row[i - image.Channels] : 0));
                z.Write(line);
            }
        }
        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }
}
