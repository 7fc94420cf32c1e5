namespace MlNetConcepts.Studies.Quickstart;

/// <summary>
/// Captions for Fashion-MNIST images in the demo model's language: "a photo of a [attributes]
/// CLASS", with attributes measured on the pixels and split at the training-set medians stored in
/// the model's config (tools/demo-model/train.py defines them): brightness of lit pixels
/// (dark/light), fraction of lit pixels (small/large) and mean gradient magnitude over the lit area
/// (plain/patterned). Each attribute is kept with probability 0.6, in a shuffled order.
/// </summary>
public static class FashionCaptions
{
    private static readonly (string Low, string High)[] Pairs = [("dark", "light"), ("small", "large"), ("plain", "patterned")];

    /// <summary>Brightness, lit fraction and gradient of a grey image with pixel values 0–255.</summary>
    public static double[] Attributes(ReadOnlySpan<float> pixels, int width, int height)
    {
        var x = new double[pixels.Length];
        for (int i = 0; i < x.Length; i++) x[i] = pixels[i] / 255.0;
        int lit = 0;
        double bright = 0, grad = 0;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                double v = x[r * width + c];
                if (v <= 0.1) continue;
                lit++;
                bright += v;
                // numpy.gradient: central differences inside, one-sided at the borders.
                double gy = r == 0 ? x[width + c] - x[c]
                    : r == height - 1 ? x[r * width + c] - x[(r - 1) * width + c]
                    : (x[(r + 1) * width + c] - x[(r - 1) * width + c]) / 2;
                double gx = c == 0 ? x[r * width + 1] - x[r * width]
                    : c == width - 1 ? x[r * width + c] - x[r * width + c - 1]
                    : (x[r * width + c + 1] - x[r * width + c - 1]) / 2;
                grad += Math.Sqrt(gx * gx + gy * gy);
            }
        }
        int n = Math.Max(lit, 1);
        return [bright / n, lit / (double)(width * height), grad / n];
    }

    /// <summary>The six attribute words (low and high of each attribute).</summary>
    public static IReadOnlyList<string> AttributeWords => [.. Pairs.SelectMany(w => new[] { w.Low, w.High })];

    /// <summary>The attribute words that hold for an image with the given attributes (one per attribute).</summary>
    public static string[] Words(double[] attributes, double[] medians) =>
        [.. Pairs.Select((w, k) => attributes[k] > medians[k] ? w.High : w.Low)];

    /// <summary>A caption for an image of class <paramref name="className"/> with the given attributes.</summary>
    public static string Caption(string className, double[] attributes, double[] medians, Random random)
    {
        var words = new List<string>();
        for (int k = 0; k < Pairs.Length; k++)
            if (random.NextDouble() < 0.6) words.Add(attributes[k] > medians[k] ? Pairs[k].High : Pairs[k].Low);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(words));
        return string.Join(' ', new[] { "a", "photo", "of", "a" }.Concat(words).Append(className));
    }
}
