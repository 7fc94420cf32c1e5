namespace MlNetConcepts.Imaging;

/// <summary>
/// An 8-bit image in memory: <see cref="Channels"/> = 1 (gray), 3 (RGB) or 4 (RGBA), pixels
/// row-major and interleaved. The common currency of the PNG writer and collages.
/// </summary>
public sealed class PixelImage
{
    /// <summary>Wraps a pixel buffer of width × height × channels bytes.</summary>
    public PixelImage(int width, int height, int channels, byte[] pixels)
    {
        if (width < 1 || height < 1) throw new ConceptDataException($"An image needs a positive size, got {width}×{height}.");
        if (channels is not (1 or 3 or 4)) throw new ConceptDataException($"An image has 1, 3 or 4 channels, got {channels}.");
        if (pixels.Length != (long)width * height * channels)
            throw new ConceptDataException($"A {width}×{height}×{channels} image needs {(long)width * height * channels} bytes, got {pixels.Length}.");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>A blank image filled with one colour (gray images use the red component).</summary>
    public static PixelImage Filled(int width, int height, int channels, byte r, byte g, byte b)
    {
        var img = new PixelImage(width, height, channels, new byte[width * height * channels]);
        for (int i = 0; i < width * height; i++)
        {
            int o = i * channels;
            img.Pixels[o] = r;
            if (channels >= 3) { img.Pixels[o + 1] = g; img.Pixels[o + 2] = b; }
            if (channels == 4) img.Pixels[o + 3] = 255;
        }
        return img;
    }

    /// <summary>
    /// A gray image from float values, mapped linearly so <paramref name="low"/> is black and
    /// <paramref name="high"/> white (values outside are clipped).
    /// </summary>
    public static PixelImage FromGray(ReadOnlySpan<float> values, int width, int height, float low = 0f, float high = 255f)
    {
        if (values.Length != width * height) throw new ConceptDataException($"A {width}×{height} gray image needs {width * height} values, got {values.Length}.");
        var px = new byte[width * height];
        float scale = high > low ? 255f / (high - low) : 0f;
        for (int i = 0; i < px.Length; i++) px[i] = (byte)Math.Clamp(MathF.Round((values[i] - low) * scale), 0f, 255f);
        return new PixelImage(width, height, 1, px);
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }
    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Interleaved channels per pixel.</summary>
    public int Channels { get; }
    /// <summary>Row-major interleaved bytes.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixel as RGB (gray repeated).</summary>
    public (byte R, byte G, byte B) GetRgb(int x, int y)
    {
        int o = (y * Width + x) * Channels;
        return Channels == 1 ? (Pixels[o], Pixels[o], Pixels[o]) : (Pixels[o], Pixels[o + 1], Pixels[o + 2]);
    }

    /// <summary>An RGB copy (gray expanded, alpha dropped).</summary>
    public PixelImage ToRgb()
    {
        if (Channels == 3) return this;
        var px = new byte[Width * Height * 3];
        for (int i = 0; i < Width * Height; i++)
        {
            var (r, g, b) = GetRgb(i % Width, i / Width);
            px[i * 3] = r; px[i * 3 + 1] = g; px[i * 3 + 2] = b;
        }
        return new PixelImage(Width, Height, 3, px);
    }
}
