using System.Runtime.InteropServices;
using SkiaSharp;

namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// Decodes JPEG (baseline, progressive, greyscale, CMYK), PNG (every colour type and bit depth,
/// interlaced too), WebP, GIF (first frame), BMP and ICO through SkiaSharp's codecs, to the
/// samples PIL's <c>Image.open(f).convert("RGB")</c> gives: no colour management (embedded ICC
/// profiles are ignored, as PIL does), alpha dropped without premultiplying. Greyscale sources
/// stay one channel (<see cref="RasterImage.WithChannels"/> repeats it into RGB like PIL);
/// 16-bit PNG samples become their high byte, as PIL reads 16-bit RGB.
/// </summary>
internal static class SkiaDecoder
{
    /// <summary>Decodes <paramref name="data"/>; <paramref name="source"/> names the file in errors.</summary>
    public static RasterImage Decode(byte[] data, string source)
    {
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec == null) throw Failure(source, opened, header: true);
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new ConceptDataException($"{source}: corrupt image (size {info.Width}×{info.Height}).");
        bool grey = info.ColorType == SKColorType.Gray8;
        // No colour space on the target: Skia then copies the coded samples without a colour transform.
        var target = new SKImageInfo(info.Width, info.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul, null);
        int n = checked(info.Width * info.Height);
        int perPixel = grey ? 1 : 4;
        var raw = new byte[checked((long)n * perPixel)];
        var handle = GCHandle.Alloc(raw, GCHandleType.Pinned);
        try
        {
            // Frame 0: the first frame of an animated GIF or WebP, as PIL opens it.
            var decoded = codec.GetPixels(target, handle.AddrOfPinnedObject(), new SKCodecOptions(0));
            if (decoded != SKCodecResult.Success) throw Failure(source, decoded, header: false);
        }
        finally { handle.Free(); }
        return grey ? Grey(raw, info) : FromRgba(raw, info);
    }

    private static RasterImage Grey(byte[] raw, SKImageInfo info)
    {
        var p = new float[raw.Length];
        for (int i = 0; i < p.Length; i++) p[i] = raw[i];
        return new RasterImage(info.Width, info.Height, 1, p);
    }

    private static RasterImage FromRgba(byte[] raw, SKImageInfo info)
    {
        int n = info.Width * info.Height;
        var p = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            p[3 * i] = raw[4 * i];
            p[3 * i + 1] = raw[4 * i + 1];
            p[3 * i + 2] = raw[4 * i + 2];
        }
        return new RasterImage(info.Width, info.Height, 3, p);
    }

    private static ConceptDataException Failure(string source, SKCodecResult result, bool header) => result switch
    {
        SKCodecResult.Unimplemented when header => new($"{source}: unsupported or corrupt image (not JPEG, PNG, WebP, GIF or BMP)."),
        SKCodecResult.Unimplemented => new($"{source}: unsupported image (the decoder does not implement a feature it uses)."),
        SKCodecResult.IncompleteInput when header => new($"{source}: truncated image (the header ends early)."),
        SKCodecResult.IncompleteInput => new($"{source}: truncated image (the data ends early)."),
        _ => new($"{source}: corrupt or truncated image ({(header ? "unreadable header" : "invalid data")}, {result})."),
    };
}
