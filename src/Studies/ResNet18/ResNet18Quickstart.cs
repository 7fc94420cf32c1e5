using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Studies.ResNet18;

/// <summary>
/// The second quickstart, on a real pretrained network: the ImageNet ResNet18 of the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 reads Fashion-MNIST test images upscaled to 224×224
/// with its own preprocessing (<see cref="ResNet18Input"/>). Steps: (1) extract the output of
/// residual stages 1–3 and the pooled output, each feature map averaged over its positions to one
/// row per image (64, 128, 256 and 512 values; stage 4 mean-pooled is the pooled output itself);
/// (2) a linear probe per layer (ML.NET's <c>LbfgsMaximumEntropy</c>) as a sanity line;
/// (3) the robustness study of Bíla et al. 2025 on every layer: SAEs and k-means side by side,
/// overlap and matches, MonoSemanticity (Pach et al. 2025, eq. 9) with the pooled output as the
/// image encoder E, energy and stability (Papadimitriou et al. 2025, eq. 4). The network has no
/// text tower, so modality and bridge scores do not apply.
/// </summary>
public sealed class ResNet18Quickstart(Action<string>? log = null)
{
    /// <summary>Images the CLI uses by default: extraction runs at about 33 images/s on 2 cores, so about a minute.</summary>
    public const int DefaultImages = 2000;

    private readonly Action<string> _log = log ?? (_ => { });

    /// <summary>Test-set images used, the first ones (null: all 10,000).</summary>
    public int? Limit { get; init; }

    /// <summary>
    /// SAEs trained per layer: TopK, 4× expansion, k = 8, 1,000 steps of 256 rows (25 passes over
    /// all 10,000 images; the study's default of at least 1,500 steps of 1,024 rows would spend
    /// about six times the arithmetic on the 512-wide layers of a 2,000-image run).
    /// </summary>
    public IReadOnlyList<SaeSpec> Saes { get; init; } = [new SaeSpec("topk", 4, 8) { Steps = 1000, Batch = 256 }];

    /// <summary>Clusterers fitted per layer.</summary>
    public IReadOnlyList<ClusterSpec> Clusters { get; init; } = [new ClusterSpec("kmeans", 32), new ClusterSpec("spherical", 32)];

    /// <summary>SAE seeds per layer (2 gives stability).</summary>
    public int Seeds { get; init; } = 2;

    /// <summary>The layers studied, in order: stages 1–3 and the pooled output.</summary>
    public static IReadOnlyList<ResNet18Layer> Layers => [.. ResNet18Model.Stages.Take(3), ResNet18Model.Pooled];

    /// <summary>Extracts what is missing, runs the probe and the study into <paramref name="outputDirectory"/>.</summary>
    public StudyResult Run(string outputDirectory)
    {
        var models = ResNet18Model.FindFolder();
        var dataset = FashionQuickstart.FindDataset();
        int total = IdxFile.Read(Path.Combine(dataset, "t10k-labels-idx1-ubyte.gz")).ToInt32().Length;
        int n = Limit is { } l ? l : total;
        if (n < 1 || n > total) throw new ConceptDataException($"Limit: {n} is not between 1 and the {total} test images.", [nameof(Limit)]);
        // One folder per image count, so a run on more images does not overwrite a smaller one's activations.
        var data = Path.Combine(outputDirectory, "data", $"{n}-images");
        var extraction = Extract(models, dataset, n, data);

        _log("linear probe of every layer (ML.NET LbfgsMaximumEntropy, three rows in four train, the fourth tests)");
        var labels = NpyFile.Read(Path.Combine(data, "labels.npy")).ToInt32();
        var pixels = IdxImages.ReadArray(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz")).Values[..(n * 784)];
        var probe = LinearProbe.Table(
            Layers.Select(layer => (layer.Name, NpyFile.ReadMatrix(LayerPath(data, layer), out _, out int w), w)).Prepend(("pixels", pixels, 784)), labels);

        var runner = new StudyRunner(log: _log) { ReportNotes = Notes(n, extraction, probe), Sections = HeatMaps ? [StageHeatMaps(models, dataset, n)] : [] };
        var result = runner.Run(Config(data, dataset), outputDirectory);
        Microsoft.Data.Analysis.DataFrame.SaveCsv(probe, Path.Combine(outputDirectory, "probe.csv"));
        return result;
    }

    /// <summary>Whether the report gets heat maps of stage-3 concepts over the positions of the stage (issue 15, item 1a).</summary>
    public bool HeatMaps { get; init; } = true;

    /// <summary>The layer whose positions give the heat maps: stage 3, a 14×14 grid (each cell 16×16 input pixels, 2×2 of the 28×28 image).</summary>
    public static ResNet18Layer HeatMapLayer => ResNet18Model.Stages[2];

    /// <summary>
    /// Heat maps over the spatial positions of <see cref="HeatMapLayer"/>: the network runs once per
    /// image, the stage tensor [1, C, h, w] gives one C-vector per position, and the stage's SAE, which
    /// was trained on the spatially mean-pooled stage (one row per image), encodes each position's
    /// vector. The concept's code per position is the h × w grid, upsampled to the image.
    /// </summary>
    public static HeatMaps.HeatMapSection StageHeatMaps(string models, string dataset, int images) => new()
    {
        ImageModel = ResNet18Model.NetworkPath(models),
        Images = IdxImages.ReadImages(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz"), images),
        TokenInput = list => new ResNet18Input(list, ResNet18Model.PreprocessPath(models), "heat-map images"),
        SkipTokens = 0,
        TokenLayers = [(HeatMapLayer.Name, HeatMapLayer.Tensor)],
        TokenNote = $"{HeatMapLayer.Name}: the SAE of the stage, trained on the stage mean-pooled over its positions (one row per image), encodes the {HeatMapLayer.Channels}-vector of every position of the 14×14 map; " +
                    "the code of the concept at each position (one cell = 16×16 input pixels = 2×2 pixels of the 28×28 image) is upsampled bilinearly. Encoding single positions with an SAE trained on their mean is an approximation: a position's vector lives on the scale of the mean, but not every position looks like an average. ",
    };

    /// <summary>A layer's activation file in the data folder.</summary>
    public static string LayerPath(string data, ResNet18Layer layer) => Path.Combine(data, ActivationFiles.FileName(layer.Tensor));

    /// <summary>What the extraction recorded: images, seconds, images per second.</summary>
    public sealed record ExtractionFacts(int Images, double Seconds, double ImagesPerSecond);

    private ExtractionFacts Extract(string models, string dataset, int n, string data)
    {
        var done = Path.Combine(data, "extraction.json");
        if (File.Exists(done))
        {
            _log($"activations of {n} images already extracted (delete {data} to redo)");
            return JsonSerializer.Deserialize<ExtractionFacts>(File.ReadAllText(done))
                ?? throw new ConceptDataException($"{done}: empty; delete the folder to extract again.");
        }
        Directory.CreateDirectory(data);
        var images = IdxImages.ReadImages(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz"), n);
        var labels = IdxFile.Read(Path.Combine(dataset, "t10k-labels-idx1-ubyte.gz")).ToInt32()[..n];
        _log($"extracting residual stages 1-3 and the pooled output of {n} test images (upscaled to 224x224)");
        var clock = Stopwatch.StartNew();
        using (var input = new ResNet18Input(images, ResNet18Model.PreprocessPath(models), "t10k-images-idx3-ubyte.gz"))
        using (var ex = new ActivationExtractor(new()
        {
            ModelPath = ResNet18Model.NetworkPath(models),
            Tensors = Layers.Select(l => l.Tensor).ToArray(),
            Tokens = new TokenSelection(TokenMode.Mean),
            Session = new OnnxSessionOptions(),
        }))
        {
            int every = Math.Max(1, n / 10), next = every;
            ActivationFiles.Write(ex, input, data, (doneCount, all) =>
            {
                if (doneCount < next && doneCount < all) return;
                next += every;
                _log($"  {doneCount}/{all} images, {doneCount / clock.Elapsed.TotalSeconds:F1} images/s");
            }, checkpoint: true);
        }
        NpyFile.WriteVector(Path.Combine(data, "labels.npy"), labels);
        var facts = new ExtractionFacts(n, Math.Round(clock.Elapsed.TotalSeconds, 1), Math.Round(n / clock.Elapsed.TotalSeconds, 1));
        AtomicFile.WriteText(done, JsonSerializer.Serialize(facts));
        return facts;
    }

    /// <summary>The study over the extracted activations: every layer with the pooled output as E, Fashion-MNIST classes as labels and images.</summary>
    public StudyConfig Config(string data, string dataset) => new()
    {
        Layers = Layers.Select(l => new StudyLayer(l.Name, LayerPath(data, l))).ToList(),
        Embeddings = LayerPath(data, ResNet18Model.Pooled),
        Labels = Path.Combine(data, "labels.npy"),
        Images = new StudyImages { Idx = Path.Combine(dataset, "t10k-images-idx3-ubyte.gz") },
        Saes = Saes.ToList(),
        Clusters = Clusters.ToList(),
        Seeds = Seeds,
        Tau = 0.5,
    };

    private static List<string> Notes(int n, ExtractionFacts extraction, Microsoft.Data.Analysis.DataFrame probe)
    {
        static string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
        var accuracy = Enumerable.Range(0, (int)probe.Rows.Count).Select(r => $"{probe.Columns["layer"][r]} {P((double)probe.Columns["accuracy"][r])}");
        long test = (long)(int)probe.Columns["test_rows"][0], train = (long)(int)probe.Columns["train_rows"][0];
        return
        [
            $"Model: the ImageNet-pretrained ResNet18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (ONNX, run by ONNX Runtime), on the first {n} Fashion-MNIST test images. " +
            "Each 28×28 grey image is copied to RGB, upscaled to 224×224 bilinearly (half-pixel centres, on the 0–255 scale) and preprocessed by the package's own ResNetPreprocess.onnx (RGB→BGR, minus its mean image).",
            "Layers: the output of residual stages 1, 2 and 3 and the pooled output (512), each averaged over its spatial positions to one row per image; " +
            "stage 4 averaged this way is the pooled output itself. The pooled output is also the image encoder E of MonoSemanticity (Pach et al. 2025, eq. 9).",
            "No modality or bridge scores: the ResNet18 has no text tower, so every row is an image.",
            $"Extraction: {extraction.Images} images in {extraction.Seconds.ToString("F0", CultureInfo.InvariantCulture)} s ({extraction.ImagesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} images/s).",
            $"Linear probe (ML.NET LbfgsMaximumEntropy on standardised rows, {train} training and {test} held-out images, accuracy on the held-out ones): {string.Join(", ", accuracy)} (probe.csv).",
        ];
    }
}
