namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// A decoded image: height × width × channels samples, interleaved (HWC), on 0..255.
/// Channels is 1 (grey) or 3 (RGB); alpha
/// is dropped on decode, as CLIP's <c>convert("RGB")</c> does.
/// </summary>
public sealed class RasterImage
{
    /// <summary>Wraps <paramref name="pixels"/> (HWC, 0..255).</summary>
    public RasterImage(int width, int height, int channels, float[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ConceptDataException($"image size {width}×{height} is empty.");
        if (channels is not (1 or 3)) throw new ConceptDataException($"images have 1 or 3 channels, not {channels}.");
        if (pixels.Length != (long)width * height * channels)
            throw new ConceptDataException($"image {width}×{height}×{channels} needs {(long)width * height * channels} samples, got {pixels.Length}.");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }
    /// <summary>Samples, HWC, 0..255.</summary>
    public float[] Pixels { get; }

    /// <summary>Sample at row <paramref name="y"/>, column <paramref name="x"/>, channel <paramref name="c"/>.</summary>
    public float this[int y, int x, int c] => Pixels[(y * Width + x) * Channels + c];

    /// <summary>This image with <paramref name="channels"/> channels: grey is repeated into RGB; RGB becomes grey by ITU-R 601 luma (L = 0.299R + 0.587G + 0.114B, PIL's "L").</summary>
    public RasterImage WithChannels(int channels)
    {
        if (channels == Channels) return this;
        int n = Width * Height;
        var p = new float[n * channels];
        if (channels == 3)
            for (int i = 0; i < n; i++) p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = Pixels[i];
        else
            for (int i = 0; i < n; i++) p[i] = 0.299f * Pixels[3 * i] + 0.587f * Pixels[3 * i + 1] + 0.114f * Pixels[3 * i + 2];
        return new RasterImage(Width, Height, channels, p);
    }
}
