using System.Text;

namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// Netpbm decoder: PGM (P2 text, P5 binary) and PPM (P3 text, P6 binary), maxval up to 65535
/// (two big-endian bytes per sample above 255); samples are scaled to 0..255.
/// </summary>
public static class PnmDecoder
{
    /// <summary>Whether <paramref name="head"/> starts with a P2/P3/P5/P6 magic.</summary>
    public static bool IsPnm(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 'P' && head[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6';

    /// <summary>Decodes PGM/PPM bytes.</summary>
    public static RasterImage Decode(byte[] data, string source)
    {
        if (!IsPnm(data)) throw new ConceptDataException($"{source}: not a PGM/PPM file (magic P2, P3, P5 or P6 expected).");
        char kind = (char)data[1];
        int pos = 2;
        int width = ReadInt(data, ref pos, source, "width"), height = ReadInt(data, ref pos, source, "height"), max = ReadInt(data, ref pos, source, "maxval");
        if (width <= 0 || height <= 0 || max <= 0 || max > 65535) throw new ConceptDataException($"{source}: invalid PGM/PPM header (size {width}×{height}, maxval {max}).");
        int channels = kind is '3' or '6' ? 3 : 1;
        long count = (long)width * height * channels;
        var px = new float[count];
        float scale = 255f / max;
        if (kind is '5' or '6')
        {
            pos++; // exactly one whitespace byte separates the header from binary data
            int bytes = max > 255 ? 2 : 1;
            if (pos + count * bytes > data.Length) throw new ConceptDataException($"{source}: truncated PGM/PPM data ({data.Length - pos} bytes, {count * bytes} needed).");
            for (long i = 0; i < count; i++)
            {
                int v = bytes == 1 ? data[pos + i] : (data[pos + 2 * i] << 8) | data[pos + 2 * i + 1];
                if (v > max) throw new ConceptDataException($"{source}: sample {v} exceeds maxval {max}.");
                px[i] = v * scale;
            }
        }
        else
        {
            for (long i = 0; i < count; i++)
            {
                int v = ReadInt(data, ref pos, source, "sample");
                if (v > max) throw new ConceptDataException($"{source}: sample {v} exceeds maxval {max}.");
                px[i] = v * scale;
            }
        }
        return new RasterImage(width, height, channels, px);
    }

    private static int ReadInt(byte[] d, ref int pos, string source, string what)
    {
        while (pos < d.Length && (char.IsWhiteSpace((char)d[pos]) || d[pos] == '#'))
        {
            if (d[pos] == '#') while (pos < d.Length && d[pos] != '\n') pos++;
            else pos++;
        }
        int start = pos;
        long v = 0;
        while (pos < d.Length && d[pos] >= '0' && d[pos] <= '9' && v <= int.MaxValue) v = v * 10 + (d[pos++] - '0');
        if (pos == start || v > int.MaxValue)
            throw new ConceptDataException($"{source}: truncated or malformed PGM/PPM ({what} expected at byte {start}).");
        return (int)v;
    }
}
