using Microsoft.Data.Analysis;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Naming;
using MlNetConcepts.Imaging;
using MlNetConcepts.Studies.Report;
using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// The study's heat-map section, kept cheap (a few concepts × a few images): for a token layer (a ViT
/// block whose SAE was trained on CLS tokens) the SAE encodes every patch token
/// (<see cref="PatchHeatMaps"/>); for a pooled layer (the image embedding) windows are occluded
/// (<see cref="OcclusionHeatMaps"/>). Concepts: the SAE features of the layer's best matched pairs
/// (the pairs whose collages the report shows), then the most energetic ones; images: each
/// concept's top activating rows. PNGs and an index go to <c>heatmaps/</c> (docs/HEATMAPS.md).
/// </summary>
public sealed record HeatMapSection : IStudySection
{
    /// <summary>Folder of the heat maps inside the study output.</summary>
    public const string Folder = "heatmaps";

    /// <summary>The image tower (.onnx).</summary>
    public required string ImageModel { get; init; }
    /// <summary>Its preprocessing (needed for occlusion, and for token maps without <see cref="TokenInput"/>).</summary>
    public ImagePreprocessor? Preprocessor { get; init; }
    /// <summary>Builds the token maps' model input from images when the model has its own preprocessing (the ResNet18); null: <see cref="Preprocessor"/>.</summary>
    public Func<IReadOnlyList<RasterImage>, Transforms.Extraction.ExtractionInput>? TokenInput { get; init; }
    /// <summary>Leading non-spatial tokens of the token layers (1: a ViT's CLS token; 0: a convolution stage [batch, C, h, w]).</summary>
    public int SkipTokens { get; init; } = 1;
    /// <summary>How the report describes the token maps (what the SAE was trained on, what a cell is).</summary>
    public string TokenNote { get; init; } = "tokens: the layer's SAE encodes every patch token of the block, one value per 7×7 patch, upsampled bilinearly. ";
    /// <summary>The images, indexed by layer row.</summary>
    public required IReadOnlyList<RasterImage> Images { get; init; }
    /// <summary>Token layers: (study layer, token-level output of the image tower).</summary>
    public IReadOnlyList<(string Layer, string Tensor)> TokenLayers { get; init; } = [];
    /// <summary>Pooled layers: (study layer, pooled output of the image tower).</summary>
    public IReadOnlyList<(string Layer, string Tensor)> PooledLayers { get; init; } = [];
    /// <summary>Concepts per layer.</summary>
    public int Concepts { get; init; } = 3;
    /// <summary>Top images per concept.</summary>
    public int ImagesPerConcept { get; init; } = 4;
    /// <summary>Occlusion window and stride in pixels, and the baseline pixel value.</summary>
    public (int Patch, int Stride, float Baseline) Occlusion { get; init; } = (7, 7, 0f);
    /// <summary>Display scale of the PNGs.</summary>
    public int Scale { get; init; } = 4;

    /// <inheritdoc/>
    public void Write(StudySectionContext context, HtmlReport report)
    {
        var index = new List<(string Layer, string Method, int Feature, int Row, string File, HeatGrid Grid)>();
        var figures = new List<(string Layer, string Method, int Feature, PixelImage Collage, List<(PixelImage Png, string Caption)> Maps)>();
        foreach (var (layer, tensor, method) in TokenLayers.Select(t => (t.Layer, t.Tensor, "tokens")).Concat(PooledLayers.Select(p => (p.Layer, p.Tensor, "occlusion"))))
        {
            if (context.FirstSae(layer) is not var (sae, codes)) continue;
            context.Log($"[{layer}] heat maps ({method})");
            int rows = codes.Length / sae.Latents;
            var dense = DenseMatrix.Create(codes, rows, sae.Latents, $"{layer} codes");
            var top = TopNSelector.FromMatrix(dense, ImagesPerConcept, onlyAbove: 0f);
            var result = context.Layers.First(l => l.Layer == layer);
            foreach (int feature in PickConcepts(result, sae.Latents, top))
            {
                var picked = top.RowsOf(feature).Select(r => (int)r).Where(r => r < Images.Count).ToArray();
                if (picked.Length == 0) continue;
                var images = picked.Select(r => Images[r]).ToList();
                var activation = ConceptActivations.SaeLatent(sae, feature);
                HeatGrid[] grids = method == "tokens"
                    ? new PatchHeatMaps { ModelPath = ImageModel, Tensor = tensor, Preprocessor = Preprocessor, Input = TokenInput, SkipTokens = SkipTokens }.Compute(images, activation)
                    : new OcclusionHeatMaps { ModelPath = ImageModel, Tensor = tensor, Preprocessor = Preprocessor ?? throw new ConceptDataException($"heat maps of {layer}: occlusion needs a Preprocessor."), Patch = Occlusion.Patch, Stride = Occlusion.Stride, Baseline = Occlusion.Baseline }.Compute(images, activation);
                var maps = new List<(PixelImage, string)>();
                for (int i = 0; i < picked.Length; i++)
                {
                    string file = $"{Folder}/{layer}/feature{feature}_row{picked[i]}_{method}.png";
                    var png = HeatMapImage.Blend(Pixels(images[i]), grids[i], Scale);
                    Directory.CreateDirectory(Path.Combine(context.OutputFolder, Folder, layer));
                    PngWriter.Save(Path.Combine(context.OutputFolder, file), png);
                    index.Add((layer, method, feature, picked[i], file, grids[i]));
                    maps.Add((png, $"row {picked[i]}"));
                }
                figures.Add((layer, method, feature, Collage.Build(images.Select(Pixels).ToList(), cell: 28 * Scale / 2, columns: 2, gap: 2), maps));
            }
        }
        if (index.Count == 0) return;
        var frame = new DataFrame(
            new StringDataFrameColumn("layer", index.Select(e => e.Layer)),
            new StringDataFrameColumn("method", index.Select(e => e.Method)),
            new Int32DataFrameColumn("feature", index.Select(e => e.Feature)),
            new Int32DataFrameColumn("row", index.Select(e => e.Row)),
            new StringDataFrameColumn("file", index.Select(e => e.File)),
            new Int32DataFrameColumn("grid_rows", index.Select(e => e.Grid.Rows)),
            new Int32DataFrameColumn("grid_cols", index.Select(e => e.Grid.Cols)),
            new Int32DataFrameColumn("hottest_row", index.Select(e => e.Grid.Hottest().Row)),
            new Int32DataFrameColumn("hottest_col", index.Select(e => e.Grid.Hottest().Col)),
            new SingleDataFrameColumn("max_value", index.Select(e => e.Grid.Values.Max())));
        NamingTables.SaveCsv(frame, Path.Combine(context.OutputFolder, Folder, "heatmaps.csv"));

        report.Heading("Heat maps of concepts");
        report.Paragraph("Where a concept sits in its top images (Bíla et al. 2025, §4). " + TokenNote +
                         $"occlusion: a {Occlusion.Patch}×{Occlusion.Patch} window (stride {Occlusion.Stride}) is set to pixel value {Occlusion.Baseline} and the model runs again; the drop of the concept's code is the importance. " +
                         "Colour: viridis, scaled by each map's maximum (yellow = strongest), blended over the image.", note: true);
        foreach (var f in figures)
        {
            report.Paragraph($"{f.Layer}, feature {f.Feature} ({f.Method}): top images, then their heat maps.");
            report.BeginGrid();
            report.Image(f.Collage, $"feature {f.Feature}: top images");
            foreach (var (png, caption) in f.Maps) report.Image(png, caption);
            report.EndGrid();
        }
        report.Frame(frame, "Heat map files", 12, $"{Folder}/heatmaps.csv");
    }

    private IEnumerable<int> PickConcepts(LayerResult layer, int latents, TopNSelector top)
    {
        var chosen = new List<int>();
        foreach (var m in layer.Comparisons.FirstOrDefault()?.Matches ?? [])
            if (!chosen.Contains(m.Feature) && chosen.Count < Concepts) chosen.Add(m.Feature);
        var energy = layer.Saes.FirstOrDefault()?.Energy ?? [];
        foreach (int k in Enumerable.Range(0, Math.Min(latents, energy.Length)).OrderByDescending(k => energy[k]))
            if (chosen.Count < Concepts && !chosen.Contains(k) && top.RowsOf(k).Length > 0) chosen.Add(k);
        return chosen;
    }

    private static PixelImage Pixels(RasterImage image)
    {
        if (image.Channels == 1) return PixelImage.FromGray(image.Pixels, image.Width, image.Height);
        var px = image.Pixels.Select(v => (byte)Math.Clamp(Math.Round(v), 0, 255)).ToArray();
        return new PixelImage(image.Width, image.Height, image.Channels, px);
    }
}
