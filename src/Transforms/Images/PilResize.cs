namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// Resampling with the exact integer arithmetic of PIL's <c>Image.resize</c> on 8-bit images
/// (what OpenAI CLIP and open_clip do to a PIL image), so preprocessing matches theirs byte for
/// byte. The filter geometry is that of <see cref="ImageResize"/> (pixel centres at (i + ½)·s,
/// footprint stretched by s = in/out when downscaling, weights normalised to sum 1, computed in
/// float64 as f((x − c + ½)·(1/max(s,1)))), but each weight is then rounded to a signed 22-bit
/// fixed-point integer (round half away from zero of w·2²²), each output sample is
/// ⌊(2²¹ + Σ wᵢ·pᵢ) / 2²²⌋ clipped to 0..255, and the horizontal pass runs first and is stored
/// as bytes before the vertical pass reads it. Samples are taken as bytes (rounded and clipped).
/// </summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes to <paramref name="width"/> × <paramref name="height"/> with a bicubic (a = −0.5) or bilinear filter.</summary>
    public static RasterImage Resize(RasterImage image, int width, int height, bool bicubic)
    {
        if (width <= 0 || height <= 0) throw new ConceptDataException($"resize target {width}×{height} is empty.");
        int ch = image.Channels;
        var bytes = new byte[image.Pixels.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(Math.Round(image.Pixels[i]), 0, 255);
        // PIL skips a pass whose size does not change (no box is given).
        var tmp = width == image.Width ? bytes : Pass(bytes, image.Width, image.Height, ch, width, bicubic, horizontal: true);
        var result = height == image.Height ? tmp : Pass(tmp, width, image.Height, ch, height, bicubic, horizontal: false);
        return new RasterImage(width, height, ch, result.Select(b => (float)b).ToArray());
    }

    /// <summary>PIL's filters: Keys cubic with a = −0.5 (support 2) or the triangle (support 1).</summary>
    private static double Filter(bool bicubic, double x)
    {
        if (x < 0) x = -x;
        if (!bicubic) return x < 1 ? 1 - x : 0;
        const double a = -0.5;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /// <summary>Per output index: first input index and the fixed-point weights (PIL's precompute and normalise steps).</summary>
    internal static (int[] Start, int[][] Weights) Coefficients(int inSize, int outSize, bool bicubic)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = (bicubic ? 2.0 : 1.0) * filterScale;
        double ss = 1.0 / filterScale;
        var start = new int[outSize];
        var weights = new int[outSize][];
        var w = new double[(int)Math.Ceiling(support) * 2 + 1];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            // C's (int) truncates toward zero; negative starts are clamped to 0 anyway.
            int lo = Math.Max(0, (int)(center - support + 0.5));
            int hi = Math.Min(inSize, (int)(center + support + 0.5));
            int count = hi - lo;
            double sum = 0;
            for (int x = 0; x < count; x++) sum += w[x] = Filter(bicubic, (x + lo - center + 0.5) * ss);
            var fixedW = new int[count];
            for (int x = 0; x < count; x++)
            {
                double k = sum != 0 ? w[x] / sum : w[x];
                fixedW[x] = k < 0 ? (int)(-0.5 + k * (1 << PrecisionBits)) : (int)(0.5 + k * (1 << PrecisionBits));
            }
            start[i] = lo;
            weights[i] = fixedW;
        }
        return (start, weights);
    }

    /// <summary>One separable pass over rows (horizontal) or columns (vertical), byte in, byte out.</summary>
    private static byte[] Pass(byte[] src, int w, int h, int ch, int outSize, bool bicubic, bool horizontal)
    {
        var (start, weights) = Coefficients(horizontal ? w : h, outSize, bicubic);
        int outW = horizontal ? outSize : w, outH = horizontal ? h : outSize;
        var dst = new byte[outW * outH * ch];
        for (int y = 0; y < outH; y++)
            for (int x = 0; x < outW; x++)
            {
                int o = horizontal ? x : y;
                var k = weights[o];
                for (int c = 0; c < ch; c++)
                {
                    int acc = 1 << (PrecisionBits - 1);
                    for (int t = 0; t < k.Length; t++)
                    {
                        int sx = horizontal ? start[o] + t : x, sy = horizontal ? y : start[o] + t;
                        acc += src[(sy * w + sx) * ch + c] * k[t];
                    }
                    dst[(y * outW + x) * ch + c] = (byte)Math.Clamp(acc >> PrecisionBits, 0, 255);
                }
            }
        return dst;
    }
}
