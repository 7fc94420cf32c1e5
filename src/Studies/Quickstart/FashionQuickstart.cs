using System.Text.Json;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.HeatMaps;
using MlNetConcepts.Studies.Naming;
using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Studies.Quickstart;

/// <summary>
/// The quickstart on a real model and real images: the project's demo VLM (a tiny CLIP-like dual
/// encoder trained on Fashion-MNIST, tools/demo-model) reads the Fashion-MNIST test set. Steps:
/// (1) extract the CLS token after every image block, the image embeddings, the auxiliary
/// encoder's embeddings (E for MonoSemanticity) and the text embeddings of one caption per image;
/// (2) build a joint layer of image and caption embeddings with modality and pair columns;
/// (3) run the robustness study on all of it: SAEs and clustering per block, MonoSemanticity with
/// the auxiliary encoder, modality and bridge scores on the joint space, collages of real images.
/// </summary>
public sealed class FashionQuickstart(Action<string>? log = null)
{
    /// <summary>Environment variable pointing to the Fashion-MNIST folder (default: Debian's).</summary>
    public const string DatasetVariable = "MLNC_FASHION_MNIST";

    /// <summary>Where Debian's dataset-fashion-mnist installs the IDX files.</summary>
    public const string DebianDataset = "/usr/share/datasets/fashion-mnist";

    private readonly Action<string> _log = log ?? (_ => { });

    /// <summary>Test-set images used (null: all 10,000).</summary>
    public int? Limit { get; init; }

    /// <summary>Runs the concept-bottleneck stage on the last image block (on by default).</summary>
    public bool Bottleneck { get; init; } = true;

    /// <summary>Extracts what is missing, then runs the study into <paramref name="outputDirectory"/>.</summary>
    public StudyResult Run(string outputDirectory)
    {
        var model = FindModelDirectory();
        var dataset = FindDataset();
        var data = Path.Combine(outputDirectory, "data");
        Extract(model, dataset, data);
        return new StudyRunner(log: _log) { Sections = [Naming(model, dataset, data), HeatMaps(model, dataset, data)] }.Run(Config(data, dataset, Bottleneck), outputDirectory);
    }

    /// <summary>
    /// The heat-map section: block 3's SAE encodes the patch tokens of block 3 (16 patches of 7×7
    /// pixels), and the image embedding's SAE features are mapped by occluding 7×7 windows with black
    /// (pixel value 0, the background of Fashion-MNIST).
    /// </summary>
    public static HeatMapSection HeatMaps(string model, string dataset, string data)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        var c = config.RootElement;
        int n = NpyFile.Read(Path.Combine(data, "labels.npy")).ToInt32().Length;
        int last = c.GetProperty("image_blocks").GetInt32() - 1;
        return new HeatMapSection
        {
            ImageModel = Path.Combine(model, "image.onnx"),
            Preprocessor = ImagePreprocessor.None(1) with { Mean = [(float)c.GetProperty("pixel_mean").GetDouble()], Std = [(float)c.GetProperty("pixel_std").GetDouble()] },
            Images = IdxImages.ReadImages(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz"), n),
            TokenLayers = [($"block{last}", $"block{last}")],
            PooledLayers = [("image_embeds", "image_embeds")],
        };
    }

    /// <summary>
    /// The naming section on the joint layer: candidate labels are the ten class words and the six
    /// caption attributes, in the model's prompt; random labels draw from the whole caption vocabulary.
    /// The truth (class of each row, attributes of its image) scores the names.
    /// </summary>
    public static NamingSection Naming(string model, string dataset, string data)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        var c = config.RootElement;
        var classes = c.GetProperty("classes").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var vocab = File.ReadAllLines(Path.Combine(model, "vocab.txt")).Where(w => w.Length > 0 && !w.StartsWith('<')).ToArray();
        var tokenizer = new WordTokenizer(Path.Combine(model, "vocab.txt"), c.GetProperty("context_length").GetInt32());
        var namer = new ConceptNamer
        {
            Tower = new TextTower(Path.Combine(model, "text.onnx"), tokenizer),
            Labels = [.. classes, .. FashionCaptions.AttributeWords],
            NullWords = vocab,
            Prompt = c.GetProperty("prompt").GetString()!,
        };
        var labels = NpyFile.Read(Path.Combine(data, "labels.npy")).ToInt32();
        var images = IdxImages.ReadImages(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz"), labels.Length);
        var med = c.GetProperty("attribute_medians");
        double[] medians = [med.GetProperty("brightness").GetDouble(), med.GetProperty("lit_fraction").GetDouble(), med.GetProperty("gradient").GetDouble()];
        var words = images.Select(im => FashionCaptions.Words(FashionCaptions.Attributes(im.Pixels, im.Width, im.Height), medians)).ToArray();
        // Joint rows: images, then their captions in the same order.
        var truth = new NamingTruth(classes, [.. labels, .. labels], [.. words, .. words]);
        return new NamingSection(namer, "joint", truth);
    }

    /// <summary>The demo model's folder: tools/demo-model/model above the application or the working folder.</summary>
    public static string FindModelDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "tools", "demo-model", "model");
                if (File.Exists(Path.Combine(p, "image.onnx"))) return p;
            }
        throw new ConceptDataException("tools/demo-model/model/image.onnx not found above the program or the working folder; run from a clone of the repository.");
    }

    /// <summary>The Fashion-MNIST folder (<see cref="DatasetVariable"/>, else Debian's).</summary>
    public static string FindDataset()
    {
        var dir = Environment.GetEnvironmentVariable(DatasetVariable) is { Length: > 0 } v ? v : DebianDataset;
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")))
            throw new ConceptDataException($"{dir}: Fashion-MNIST test set not found (install Debian's dataset-fashion-mnist: ./run.sh setup, or set {DatasetVariable}).");
        return dir;
    }

    private void Extract(string model, string dataset, string data)
    {
        var done = Path.Combine(data, "extraction.json");
        if (File.Exists(done)) { _log("activations already extracted (delete data/ to redo)"); return; }
        Directory.CreateDirectory(data);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        var c = config.RootElement;
        var images = IdxImages.ReadImages(Path.Combine(dataset, "t10k-images-idx3-ubyte.gz"), Limit);
        var labels = IdxFile.Read(Path.Combine(dataset, "t10k-labels-idx1-ubyte.gz")).ToInt32()[..images.Count];
        int n = images.Count, blocks = c.GetProperty("image_blocks").GetInt32();
        var session = new OnnxSessionOptions();

        _log($"extracting {blocks} image blocks and embeddings of {n} test images");
        var pre = ImagePreprocessor.None(1) with { Mean = [(float)c.GetProperty("pixel_mean").GetDouble()], Std = [(float)c.GetProperty("pixel_std").GetDouble()] };
        var tensors = Enumerable.Range(0, blocks).Select(i => $"block{i}").Append("image_embeds").ToArray();
        using (var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(model, "image.onnx"), Tensors = tensors, Tokens = TokenSelection.Cls, BatchSize = 250, Session = session }))
            ActivationFiles.Write(ex, new ImageInput(images, pre, "t10k"), Path.Combine(data, "image"));
        _log("extracting auxiliary embeddings (E for MonoSemanticity)");
        using (var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(model, "aux.onnx"), Tensors = ["embedding"], BatchSize = 250, Session = session }))
            ActivationFiles.Write(ex, new ImageInput(images, ImagePreprocessor.None(1), "t10k"), Path.Combine(data, "aux"));

        _log("captioning the images and extracting text embeddings");
        var classes = c.GetProperty("classes").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var med = c.GetProperty("attribute_medians");
        double[] medians = [med.GetProperty("brightness").GetDouble(), med.GetProperty("lit_fraction").GetDouble(), med.GetProperty("gradient").GetDouble()];
        var random = new Random(17);
        var captions = Enumerable.Range(0, n).Select(i => FashionCaptions.Caption(classes[labels[i]],
            FashionCaptions.Attributes(images[i].Pixels, images[i].Width, images[i].Height), medians, random)).ToArray();
        AtomicFile.WriteText(Path.Combine(data, "captions.txt"), string.Join('\n', captions) + "\n");
        var tokenizer = new WordTokenizer(Path.Combine(model, "vocab.txt"), c.GetProperty("context_length").GetInt32());
        using (var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(model, "text.onnx"), Tensors = ["text_embeds"], BatchSize = 250, Session = session }))
            ActivationFiles.Write(ex, new TextInput(captions, tokenizer), Path.Combine(data, "text"));

        // The joint space: image rows then caption rows; caption i describes image i.
        var img = NpyFile.ReadMatrix(Path.Combine(data, "image", "image_embeds.npy"), out _, out int width);
        var txt = NpyFile.ReadMatrix(Path.Combine(data, "text", "text_embeds.npy"), out _, out _);
        NpyFile.WriteMatrix(Path.Combine(data, "joint.npy"), [.. img, .. txt], 2 * n, width);
        NpyFile.WriteVector(Path.Combine(data, "joint_modality.npy"), Enumerable.Range(0, 2 * n).Select(r => r < n ? 0 : 1).ToArray());
        NpyFile.WriteVector(Path.Combine(data, "joint_pairs.npy"), Enumerable.Range(0, 2 * n).Select(r => r % n).ToArray());
        NpyFile.WriteVector(Path.Combine(data, "joint_images.npy"), Enumerable.Range(0, 2 * n).Select(r => r < n ? r : -1).ToArray());
        NpyFile.WriteVector(Path.Combine(data, "joint_labels.npy"), [.. labels, .. labels]);
        NpyFile.WriteVector(Path.Combine(data, "labels.npy"), labels);
        AtomicFile.WriteText(done, JsonSerializer.Serialize(new { images = n, blocks, model }));
    }

    /// <summary>
    /// The study over the extracted activations; with <paramref name="bottleneck"/>, the
    /// concept-bottleneck stage classifies the 10 classes from the last image block (3,000 training
    /// and 2,000 test images of the 10,000, so the stage adds seconds, not minutes).
    /// </summary>
    public static StudyConfig Config(string data, string dataset, bool bottleneck = true)
    {
        string D(params string[] parts) => Path.Combine([data, .. parts]);
        var images = new StudyImages { Idx = Path.Combine(dataset, "t10k-images-idx3-ubyte.gz") };
        int blocks = Directory.GetFiles(D("image"), "block*.npy").Length;
        var layers = Enumerable.Range(0, blocks)
            .Select(i => new StudyLayer($"block{i}", D("image", $"block{i}.npy")))
            .Append(new StudyLayer("image_embeds", D("image", "image_embeds.npy")))
            .Select(l => l with { Embeddings = D("aux", "embedding.npy"), Labels = D("labels.npy"), Images = images })
            .Append(new StudyLayer("joint", D("joint.npy"))
            {
                Modality = D("joint_modality.npy"),
                Pairs = D("joint_pairs.npy"),
                Labels = D("joint_labels.npy"),
                Images = images with { Index = D("joint_images.npy") },
            })
            .ToList();
        return new StudyConfig
        {
            Layers = layers,
            Saes = [new SaeSpec("topk", 4, 8)],
            Clusters = [new ClusterSpec("kmeans", 32), new ClusterSpec("spherical", 32)],
            Seeds = 2,
            Tau = 0.5,
            Bottleneck = bottleneck ? new StudyBottleneck { Layer = $"block{blocks - 1}" } : null,
        };
    }
}
