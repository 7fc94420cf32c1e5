using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// Heat maps from token-level codes (Bíla et al. 2025, §4 and Figs. 1–2 show where a concept sits in
/// an image): the image tower runs once per image, every token of a block output ([batch, tokens,
/// width], e.g. a ViT block; or [batch, channels, h, w], a convolution stage) becomes a row, the
/// concept's activation is computed per token (e.g. the SAE trained on that block encodes each patch
/// token), and the token grid (after the leading <see cref="SkipTokens"/>, e.g. CLS) is the heat map.
/// </summary>
public sealed class PatchHeatMaps
{
    /// <summary>The image tower (.onnx).</summary>
    public required string ModelPath { get; init; }
    /// <summary>The token-level output to read.</summary>
    public required string Tensor { get; init; }
    /// <summary>Preprocessing of the images into the model's input (used when <see cref="Input"/> is null).</summary>
    public ImagePreprocessor? Preprocessor { get; init; }
    /// <summary>
    /// Builds the model's input from the images, for models whose preprocessing is not an
    /// <see cref="ImagePreprocessor"/> (e.g. the ResNet18's upscaling and its own preprocessing
    /// network); disposed after use when it is <see cref="IDisposable"/>.
    /// </summary>
    public Func<IReadOnlyList<RasterImage>, ExtractionInput>? Input { get; init; }
    /// <summary>Leading tokens that are not spatial (1 for a ViT's CLS token, 0 for a convolution stage).</summary>
    public int SkipTokens { get; init; } = 1;
    /// <summary>ONNX Runtime settings.</summary>
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>One heat grid per image: the concept's activation on each spatial token.</summary>
    public HeatGrid[] Compute(IReadOnlyList<RasterImage> images, ConceptActivation concept)
    {
        if (images.Count == 0) return [];
        var rows = new List<float>();
        var tokenOf = new List<int>();
        int width = 0;
        var input = Input?.Invoke(images)
            ?? new ImageInput(images, Preprocessor ?? throw new ConceptDataException($"heat maps of {Tensor}: set Preprocessor or Input."), "heat-map images");
        try
        {
            using var ex = new ActivationExtractor(new() { ModelPath = ModelPath, Tensors = [Tensor], Tokens = new TokenSelection(TokenMode.All), BatchSize = 64, Session = Session });
            ex.Run(input, blocks =>
            {
                width = blocks[0].Width;
                rows.AddRange(blocks[0].Values);
                tokenOf.AddRange(blocks[0].TokenIndices);
            });
        }
        finally { (input as IDisposable)?.Dispose(); }
        int perImage = tokenOf.Count / images.Count;
        int spatial = perImage - SkipTokens;
        int side = (int)Math.Round(Math.Sqrt(spatial));
        if (perImage * images.Count != tokenOf.Count || spatial < 1 || side * side != spatial)
            throw new ConceptDataException($"{ModelPath}: tensor '{Tensor}' has {perImage} tokens per image; after skipping {SkipTokens} the rest must form a square grid.");

        // All spatial tokens of all images in one call.
        var all = rows.ToArray();
        var patch = new float[images.Count * spatial * width];
        for (int i = 0; i < images.Count; i++)
            Array.Copy(all, ((long)i * perImage + SkipTokens) * width, patch, (long)i * spatial * width, spatial * width);
        var values = concept(patch, images.Count * spatial);
        return Enumerable.Range(0, images.Count).Select(i => new HeatGrid(side, side, values.AsSpan(i * spatial, spatial).ToArray())).ToArray();
    }
}
