using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// Occlusion importance for concepts of pooled layers (one row per image: an embedding, a CLS
/// token, a pooled stage), where no token-level code exists: a <see cref="Patch"/> × <see cref="Patch"/>
/// window slides over the image with step <see cref="Stride"/>; inside it the pixels are set to
/// <see cref="Baseline"/> (raw pixel units, before preprocessing: 0 = black, the background of
/// Fashion-MNIST), the model runs again, and the window's importance is the drop of the concept's
/// activation, a(image) − a(occluded image). The original and all its occluded copies run in batches
/// through ONNX Runtime. The grid of windows is the heat map (positive = the concept needs that area);
/// drawn, it is upsampled as if the windows tiled the image evenly, which is exact when the stride
/// equals the patch and the patch divides the image.
/// </summary>
public sealed class OcclusionHeatMaps
{
    /// <summary>The image tower (.onnx).</summary>
    public required string ModelPath { get; init; }
    /// <summary>The pooled output ([batch, width], or a [batch, tokens, width] block read at its first token).</summary>
    public required string Tensor { get; init; }
    /// <summary>Preprocessing of the images into the model's input.</summary>
    public required ImagePreprocessor Preprocessor { get; init; }
    /// <summary>Side of the occluding window in pixels.</summary>
    public int Patch { get; init; } = 7;
    /// <summary>Step between windows in pixels (the last window is moved back to end at the border).</summary>
    public int Stride { get; init; } = 7;
    /// <summary>Value of the occluded pixels in raw units (before preprocessing).</summary>
    public float Baseline { get; init; }
    /// <summary>Images per ONNX Runtime batch.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>ONNX Runtime settings.</summary>
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>Window origins along a side of <paramref name="size"/> pixels.</summary>
    public int[] Origins(int size)
    {
        if (Patch < 1 || Stride < 1) throw new ConceptDataException($"occlusion patch and stride must be at least 1, got {Patch} and {Stride}.", ["patch", "stride"]);
        if (Patch > size) throw new ConceptDataException($"occlusion patch {Patch} is larger than the image side {size}.", ["patch"]);
        var o = new List<int>();
        for (int p = 0; p + Patch <= size; p += Stride) o.Add(p);
        if (o[^1] + Patch < size) o.Add(size - Patch);
        return o.ToArray();
    }

    /// <summary>One heat grid per image (window rows × window columns of activation drops).</summary>
    public HeatGrid[] Compute(IReadOnlyList<RasterImage> images, ConceptActivation concept)
    {
        if (images.Count == 0) return [];
        var all = new List<RasterImage>();
        var shapes = new List<(int Ny, int Nx)>();
        foreach (var image in images)
        {
            var ys = Origins(image.Height);
            var xs = Origins(image.Width);
            shapes.Add((ys.Length, xs.Length));
            all.Add(image);
            foreach (int y in ys)
                foreach (int x in xs) all.Add(Occlude(image, y, x));
        }
        var rows = new List<float>();
        int count = 0;
        using (var ex = new ActivationExtractor(new() { ModelPath = ModelPath, Tensors = [Tensor], Tokens = TokenSelection.Cls, BatchSize = BatchSize, Session = Session }))
            ex.Run(new ImageInput(all, Preprocessor, "occluded images"), blocks =>
            {
                rows.AddRange(blocks[0].Values);
                count += blocks[0].SampleIds.Length;
            });
        if (count != all.Count) throw new ConceptDataException($"{ModelPath}: tensor '{Tensor}' gave {count} rows for {all.Count} images; occlusion needs one row per image.");
        var a = concept(rows.ToArray(), count);
        var result = new HeatGrid[images.Count];
        int at = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var (ny, nx) = shapes[i];
            float original = a[at++];
            var drops = new float[ny * nx];
            for (int w = 0; w < drops.Length; w++) drops[w] = original - a[at++];
            result[i] = new HeatGrid(ny, nx, drops);
        }
        return result;
    }

    private RasterImage Occlude(RasterImage image, int y0, int x0)
    {
        var px = (float[])image.Pixels.Clone();
        for (int y = y0; y < y0 + Patch; y++)
            for (int x = x0; x < x0 + Patch; x++)
                for (int c = 0; c < image.Channels; c++) px[(y * image.Width + x) * image.Channels + c] = Baseline;
        return new RasterImage(image.Width, image.Height, image.Channels, px);
    }
}
