namespace MlNetConcepts.Transforms.Images;

/// <summary>Resampling filters.</summary>
public enum ResizeFilter
{
    /// <summary>Triangle filter, support 1.</summary>
    Bilinear,
    /// <summary>Keys cubic convolution with a = −0.5 (PIL's and torch's antialiased bicubic), support 2.</summary>
    Bicubic,
    /// <summary>
    /// The bicubic filter with PIL's 8-bit arithmetic (<see cref="PilResize"/>): fixed-point weights,
    /// rounding and clipping to bytes after each pass, as OpenAI CLIP and open_clip preprocess.
    /// </summary>
    PilBicubic,
    /// <summary>The triangle filter with PIL's 8-bit arithmetic (<see cref="PilResize"/>).</summary>
    PilBilinear,
}

/// <summary>
/// Antialiased separable resampling as PIL's <c>Image.resize</c> and torch's
/// <c>interpolate(..., antialias=True)</c> define it: output pixel i has centre
/// c = (i + ½)·s with s = in/out; when downscaling (s &gt; 1) the filter is stretched by s, so
/// every input pixel under the footprint contributes (the antialiasing); weights
/// w(x) = f((x − c + ½)/max(s,1)) over x in [⌊c − r + ½⌋, ⌊c + r + ½⌋), r = support·max(s,1),
/// normalised to sum 1. Rows are resampled first, then columns, in float (no rounding to bytes):
/// torchvision's resize of a float tensor. <see cref="ResizeFilter.PilBicubic"/> and
/// <see cref="ResizeFilter.PilBilinear"/> hand over to <see cref="PilResize"/> (PIL's byte arithmetic).
/// </summary>
public static class ImageResize
{
    /// <summary>Resizes <paramref name="image"/> to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RasterImage Resize(RasterImage image, int width, int height, ResizeFilter filter)
    {
        if (width <= 0 || height <= 0) throw new ConceptDataException($"resize target {width}×{height} is empty.");
        if (filter is ResizeFilter.PilBicubic or ResizeFilter.PilBilinear) return PilResize.Resize(image, width, height, filter == ResizeFilter.PilBicubic);
        int ch = image.Channels;
        var tmp = image.Width == width ? image.Pixels : Horizontal(image.Pixels, image.Width, image.Height, ch, width, filter);
        var result = image.Height == height ? tmp : Vertical(tmp, width, image.Height, ch, height, filter);
        return new RasterImage(width, height, ch, result == image.Pixels ? (float[])result.Clone() : result);
    }

    /// <summary>Resizes so the shorter side becomes <paramref name="size"/>, the longer ⌊size·long/short⌋ (torchvision's rule).</summary>
    public static RasterImage ResizeShorterSide(RasterImage image, int size, ResizeFilter filter)
    {
        int w = image.Width, h = image.Height;
        var (nw, nh) = w <= h ? (size, (int)((long)size * h / w)) : ((int)((long)size * w / h), size);
        return Resize(image, nw, nh, filter);
    }

    /// <summary>
    /// Crops the centre <paramref name="width"/> × <paramref name="height"/>: offsets are
    /// round((in − out)/2) with ties to even, as torchvision's <c>center_crop</c> (Python's round).
    /// Targets larger than the image are an error.
    /// </summary>
    public static RasterImage CenterCrop(RasterImage image, int width, int height)
    {
        if (width > image.Width || height > image.Height)
            throw new ConceptDataException($"cannot centre-crop {width}×{height} from a {image.Width}×{image.Height} image.");
        int top = (int)Math.Round((image.Height - height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((image.Width - width) / 2.0, MidpointRounding.ToEven);
        int ch = image.Channels;
        var p = new float[width * height * ch];
        for (int y = 0; y < height; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * ch, p, y * width * ch, width * ch);
        return new RasterImage(width, height, ch, p);
    }

    private static double Kernel(ResizeFilter f, double x)
    {
        x = Math.Abs(x);
        if (f == ResizeFilter.Bilinear) return x < 1 ? 1 - x : 0;
        const double a = -0.5;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static double Support(ResizeFilter f) => f == ResizeFilter.Bilinear ? 1 : 2;

    /// <summary>Per output index: first input index and normalised weights.</summary>
    internal static (int[] Start, double[][] Weights) Coefficients(int inSize, int outSize, ResizeFilter f)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support(f) * filterScale;
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int lo = Math.Max(0, (int)Math.Floor(center - support + 0.5));
            int hi = Math.Min(inSize, (int)Math.Floor(center + support + 0.5));
            var w = new double[Math.Max(0, hi - lo)];
            double sum = 0;
            for (int x = 0; x < w.Length; x++) sum += w[x] = Kernel(f, (x + lo - center + 0.5) / filterScale);
            if (sum != 0) for (int x = 0; x < w.Length; x++) w[x] /= sum;
            start[i] = lo;
            weights[i] = w;
        }
        return (start, weights);
    }

    private static float[] Horizontal(float[] src, int w, int h, int ch, int outW, ResizeFilter f)
    {
        var (start, weights) = Coefficients(w, outW, f);
        var dst = new float[outW * h * ch];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < outW; x++)
                for (int c = 0; c < ch; c++)
                {
                    double s = 0;
                    var wt = weights[x];
                    for (int k = 0; k < wt.Length; k++) s += wt[k] * src[(y * w + start[x] + k) * ch + c];
                    dst[(y * outW + x) * ch + c] = (float)s;
                }
        return dst;
    }

    private static float[] Vertical(float[] src, int w, int h, int ch, int outH, ResizeFilter f)
    {
        var (start, weights) = Coefficients(h, outH, f);
        var dst = new float[w * outH * ch];
        for (int y = 0; y < outH; y++)
        {
            var wt = weights[y];
            for (int i = 0; i < w * ch; i++)
            {
                double s = 0;
                for (int k = 0; k < wt.Length; k++) s += wt[k] * src[(start[y] + k) * w * ch + i];
                dst[y * w * ch + i] = (float)s;
            }
        }
        return dst;
    }
}
