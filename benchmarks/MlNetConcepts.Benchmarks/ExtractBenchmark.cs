using System.Diagnostics;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Extraction throughput: the whole pipeline (image preprocessing, batching, ONNX Runtime, token
/// selection, streaming <c>.npy</c> and rows.csv writing) beside the time spent inside ONNX
/// Runtime's Run alone on the same inputs, for the demo VLM on the Fashion-MNIST test set, the
/// NuGet ResNet18 (fixed batch 1) and the random-weight torchvision ViT test fixture.
/// </summary>
internal static class ExtractBenchmark
{
    public static void Run(BenchArguments args)
    {
        int images = args.Int("images", 10_000), vitInputs = args.Int("vit-inputs", 1024), repeats = args.Int("repeats", 3);
        int threads = args.Int("threads", Environment.ProcessorCount);
        Machine.PrintHeader("Extraction");
        Console.WriteLine($"ONNX Runtime intra-op threads: {threads}; best of {repeats} runs.");
        Console.WriteLine();
        Console.WriteLine("| model | inputs | tensors | pipeline (inputs/s) | ONNX Runtime alone (inputs/s) | pipeline / ORT time |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|");

        var root = Repository.Root();
        var model = Path.Combine(root, "tools", "demo-model", "model");
        var dataset = Environment.GetEnvironmentVariable("MLNC_FASHION_MNIST") ?? "/usr/share/datasets/fashion-mnist";
        var idx = Path.Combine(dataset, "t10k-images-idx3-ubyte.gz");
        if (File.Exists(idx))
        {
            var pictures = IdxImages.ReadImages(idx, images);
            var pre = ImagePreprocessor.None(1) with { Mean = [0.286f], Std = [0.353f] };
            string[] tensors = ["block0", "block1", "block2", "block3", "image_embeds"];
            Measure("demo VLM image tower (28×28, 4 blocks)", pictures.Count, "block0–3 CLS + image_embeds", repeats,
                () => new ActivationExtractor(new() { ModelPath = Path.Combine(model, "image.onnx"), Tensors = tensors, BatchSize = 256, Session = new() { IntraOpThreads = threads } }),
                () => new ImageInput(pictures, pre, "t10k"));
        }
        else Console.WriteLine($"| demo VLM | skipped: {idx} missing (./run.sh setup) | | | | |");

        MeasureResNet(args.Int("resnet-inputs", 64), repeats, threads, idx);

        var fixture = Path.Combine(root, "tests", "MlNetConcepts.Tests", "Fixtures", "Ort");
        var (_, shape) = NpyFile.ReadShape(Path.Combine(fixture, "vit_input.npy"));
        int per = (int)(shape.Aggregate(1L, (a, b) => a * b) / shape[0]);
        var rng = new Random(3);
        var data = new float[(long)vitInputs * per];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        var array = NdArray.FromFloats(data, [vitInputs, .. shape[1..]]);
        Measure("ViT fixture (random weights, 3 blocks)", vitInputs, "block:0–2 CLS", repeats,
            () => new ActivationExtractor(new() { ModelPath = Path.Combine(fixture, "vit.onnx"), Tensors = ["block:0", "block:1", "block:2"], BatchSize = 64, Session = new() { IntraOpThreads = threads } }),
            () => new TensorInput(array, "random"));
    }

    /// <summary>
    /// The NuGet ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, copied beside the program):
    /// its batch is fixed at 1, so the extractor makes one ONNX Runtime call per image. Inputs are
    /// Fashion-MNIST pixels repeated 8×8 to 224×224 in three channels (0–255, as the model expects
    /// after its mean subtraction, which does not change the cost).
    /// </summary>
    private static void MeasureResNet(int count, int repeats, int threads, string idx)
    {
        var model = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        if (!File.Exists(model) || !File.Exists(idx)) { Console.WriteLine($"| ResNet18 | skipped: {model} or {idx} missing | | | | |"); return; }
        var pixels = IdxFile.Read(idx).ToFloat32();
        const int Side = 224, Plane = Side * Side;
        var data = new float[(long)count * 3 * Plane];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < Side; y++)
                    for (int x = 0; x < Side; x++) data[((long)i * 3 + c) * Plane + y * Side + x] = pixels[i * 784 + y / 8 * 28 + x / 8] - 114f;
        var array = NdArray.FromFloats(data, [count, 3, Side, Side]);
        Measure("NuGet ResNet18 (224×224, fixed batch 1)", count, "pooled output", repeats,
            () => new ActivationExtractor(new() { ModelPath = model, Tensors = ["Pooling395_Output_0"], Tokens = new TokenSelection(TokenMode.Mean), Session = new() { IntraOpThreads = threads } }),
            () => new TensorInput(array, "fashion-mnist"));
    }

    private static void Measure(string name, int count, string tensors, int repeats, Func<ActivationExtractor> create, Func<ExtractionInput> input)
    {
        double bestWall = double.MaxValue, bestOrt = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            var dir = Directory.CreateTempSubdirectory("mlnc-bench-extract-").FullName;
            using var ex = create();
            var sw = Stopwatch.StartNew();
            ActivationFiles.Write(ex, input(), dir);
            sw.Stop();
            bestWall = Math.Min(bestWall, sw.Elapsed.TotalSeconds);
            bestOrt = Math.Min(bestOrt, ex.RuntimeTime.TotalSeconds);
            Directory.Delete(dir, true);
        }
        Console.WriteLine($"| {name} | {count} | {tensors} | {count / bestWall:0} | {count / bestOrt:0} | {bestWall / bestOrt:0.00} |");
    }
}

/// <summary>Finds the repository root (the folder holding MlNetConcepts.sln) above the program.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MlNetConcepts.sln"))) return d.FullName;
        throw new ConceptDataException("MlNetConcepts.sln not found above the benchmark program.");
    }
}
