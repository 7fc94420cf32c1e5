namespace MlNetConcepts.Transforms.Images;

/// <summary>
/// Image → model input: convert channels, resize the shorter side, centre-crop, scale to
/// [0,1], normalise per channel ((x − mean_c)/std_c), lay out as CHW float32.
/// </summary>
public sealed record ImagePreprocessor
{
    /// <summary>Channels the model expects (1 or 3).</summary>
    public int Channels { get; init; } = 3;
    /// <summary>Target size of the shorter side before cropping; 0 skips resizing (the image must then already have the crop size).</summary>
    public int ResizeShorterSide { get; init; }
    /// <summary>Side of the centre crop (square); 0 keeps the resized image as it is.</summary>
    public int CropSize { get; init; }
    /// <summary>Resampling filter.</summary>
    public ResizeFilter Filter { get; init; } = ResizeFilter.Bicubic;
    /// <summary>Per-channel mean on the [0,1] scale (length 1 or <see cref="Channels"/>).</summary>
    public float[] Mean { get; init; } = [0f];
    /// <summary>Per-channel standard deviation on the [0,1] scale.</summary>
    public float[] Std { get; init; } = [1f];

    /// <summary>
    /// OpenAI CLIP's (and open_clip's) preprocessing of a PIL image, byte for byte: shorter side to
    /// 224 with PIL's bicubic on 8-bit samples (<see cref="ResizeFilter.PilBicubic"/>), centre crop
    /// 224, /255, mean (0.48145466, 0.4578275, 0.40821073), std (0.26862954, 0.26130258, 0.27577711).
    /// </summary>
    public static ImagePreprocessor Clip(int size = 224) => ClipFloat(size) with { Filter = ResizeFilter.PilBicubic };

    /// <summary>
    /// CLIP's sizes and statistics with torchvision's float resize of a tensor (antialiased bicubic,
    /// no rounding between passes). It differs from <see cref="Clip"/> by up to about 0.6 after
    /// normalisation at sharp edges; use it for models trained on tensor-resized inputs.
    /// </summary>
    public static ImagePreprocessor ClipFloat(int size = 224) => new()
    {
        Channels = 3,
        ResizeShorterSide = size,
        CropSize = size,
        Filter = ResizeFilter.Bicubic,
        Mean = [0.48145466f, 0.4578275f, 0.40821073f],
        Std = [0.26862954f, 0.26130258f, 0.27577711f],
    };

    /// <summary>Pixels scaled to [0,1], no resizing (the model's input size must already match).</summary>
    public static ImagePreprocessor None(int channels) => new() { Channels = channels };

    /// <summary>Runs the steps and returns CHW float32 values with the final height and width.</summary>
    public float[] ToChw(RasterImage image, out int height, out int width)
    {
        if (Mean.Length is not 1 && Mean.Length != Channels) throw new ConceptDataException($"preprocessing: {Mean.Length} means for {Channels} channels.");
        if (Std.Length is not 1 && Std.Length != Channels) throw new ConceptDataException($"preprocessing: {Std.Length} stds for {Channels} channels.");
        var img = image.WithChannels(Channels);
        if (ResizeShorterSide > 0) img = ImageResize.ResizeShorterSide(img, ResizeShorterSide, Filter);
        if (CropSize > 0) img = ImageResize.CenterCrop(img, CropSize, CropSize);
        height = img.Height;
        width = img.Width;
        int n = height * width, ch = Channels;
        var chw = new float[n * ch];
        for (int c = 0; c < ch; c++)
        {
            float mean = Mean[Mean.Length == 1 ? 0 : c], std = Std[Std.Length == 1 ? 0 : c];
            if (!(std > 0)) throw new ConceptDataException($"preprocessing: std of channel {c} is {std}, must be > 0.");
            for (int i = 0; i < n; i++) chw[c * n + i] = (img.Pixels[i * ch + c] / 255f - mean) / std;
        }
        return chw;
    }
}
