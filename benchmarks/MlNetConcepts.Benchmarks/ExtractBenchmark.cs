using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Imaging;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Extraction against ONNX Runtime alone, in the same process and on warm sessions:
/// <list type="bullet">
/// <item>ORT alone: the Run calls over every batch, inputs built and wrapped beforehand, outputs released unread;</item>
/// <item>overlapped: the whole pipeline writing <c>.npy</c> + rows.csv (<see cref="ActivationFiles.Write"/>), preparing and writing on a worker while ORT runs;</item>
/// <item>sequential: the same with every stage in turn (the reference path).</item>
/// </list>
/// Rounds interleave the three (order rotated each round) so load from other users hits all alike;
/// the warm-up (a full round, then rounds over the first batch until the runtime's background JIT has
/// little left to do) is not counted, and each round line says how much CPU that JIT thread still took.
/// Then one profiled run of each pipeline says where the time goes. Models: the demo VLM image tower on Fashion-MNIST, the random-weight ViT
/// test fixture, the NuGet ResNet18 (fixed batch 1). Last, the IDataView path
/// (<c>mlContext.Transforms.ExtractActivations</c> over a column of PNG paths, a cursor to the end)
/// against the direct block path (the extractor over the same files, rows copied into arrays).
///   extract [--images 10000] [--vit-inputs 4096] [--resnet-inputs 24] [--view-images 4096] [--rounds 5] [--vit-rounds 3×rounds] [--threads T]
///           [--models demo,vit,resnet,view]
/// </summary>
internal static class ExtractBenchmark
{
    public static void Run(BenchArguments args)
    {
        int images = args.Int("images", 10_000), vitInputs = args.Int("vit-inputs", 4096), rounds = args.Int("rounds", 5);
        // A ViT run lasts about 0.17 s, so one slow round weighs a lot; its rounds are cheap, so it gets more of them.
        int vitRounds = args.Int("vit-rounds", 3 * rounds);
        int threads = args.Int("threads", Environment.ProcessorCount);
        var models = (args.Text("models") ?? "demo,vit,resnet,view").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var unknown = models.Except(["demo", "vit", "resnet", "view"]).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"--models: unknown {string.Join(", ", unknown)}; use demo, vit, resnet, view");
        Machine.PrintHeader("Extraction");
        Console.WriteLine($"ONNX Runtime intra-op threads: {threads} (+ one extraction worker); {rounds} counted rounds ({vitRounds} for the ViT fixture) after warm-up rounds, order rotated.");
        Console.WriteLine("Times are wall seconds per run (CPU seconds of the process in brackets); ratios are per round against ORT alone in the same round.");
        Console.WriteLine();

        var root = Repository.Root();
        var model = Path.Combine(root, "tools", "demo-model", "model");
        var dataset = Environment.GetEnvironmentVariable("MLNC_FASHION_MNIST") ?? "/usr/share/datasets/fashion-mnist";
        var idx = Path.Combine(dataset, "t10k-images-idx3-ubyte.gz");
        var demoPre = ImagePreprocessor.None(1) with { Mean = [0.286f], Std = [0.353f] };
        string[] demoTensors = ["block0", "block1", "block2", "block3", "image_embeds"];
        ActivationExtractor Demo(bool overlap) => new(new() { ModelPath = Path.Combine(model, "image.onnx"), Tensors = demoTensors, BatchSize = 256, Overlap = overlap, Session = new() { IntraOpThreads = threads } });
        if (models.Contains("demo") && File.Exists(idx))
        {
            var pictures = IdxImages.ReadImages(idx, images);
            Compare($"demo VLM image tower (28×28, 4 blocks), {pictures.Count} images, block0–3 CLS + image_embeds", rounds, Demo, () => new ImageInput(pictures, demoPre, "t10k"));
        }
        else if (models.Contains("demo")) Console.WriteLine($"demo VLM: skipped, {idx} missing (./run.sh setup)");

        if (models.Contains("vit")) MeasureVit(root, vitInputs, vitRounds, threads);
        if (models.Contains("resnet")) MeasureResNet(args.Int("resnet-inputs", 24), Math.Min(rounds, 3), threads, idx);
        if (models.Contains("view") && File.Exists(idx)) ViewPath(IdxImages.ReadImages(idx, args.Int("view-images", 4096)), rounds, threads, Path.Combine(model, "image.onnx"), demoTensors, demoPre);
    }

    /// <summary>The random-weight ViT test fixture on uniform random inputs in [−1, 1).</summary>
    private static void MeasureVit(string root, int vitInputs, int rounds, int threads)
    {
        var fixture = Path.Combine(root, "tests", "MlNetConcepts.Tests", "Fixtures", "Ort");
        var (_, shape) = NpyFile.ReadShape(Path.Combine(fixture, "vit_input.npy"));
        int per = (int)(shape.Aggregate(1L, (a, b) => a * b) / shape[0]);
        var rng = new Random(3);
        var data = new float[(long)vitInputs * per];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        var array = NdArray.FromFloats(data, [vitInputs, .. shape[1..]]);
        Compare($"ViT fixture (random weights, 3 blocks), {vitInputs} inputs, block:0–2 CLS", rounds,
            overlap => new ActivationExtractor(new() { ModelPath = Path.Combine(fixture, "vit.onnx"), Tensors = ["block:0", "block:1", "block:2"], BatchSize = 64, Overlap = overlap, Session = new() { IntraOpThreads = threads } }),
            () => new TensorInput(array, "random"));
    }

    /// <summary>
    /// The NuGet ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, copied beside the program):
    /// its batch is fixed at 1, so the extractor makes one ONNX Runtime call per image. Inputs are
    /// Fashion-MNIST pixels repeated 8×8 to 224×224 in three channels (0–255, as the model expects
    /// after its mean subtraction, which does not change the cost).
    /// </summary>
    private static void MeasureResNet(int count, int rounds, int threads, string idx)
    {
        var model = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        if (!File.Exists(model) || !File.Exists(idx)) { Console.WriteLine($"ResNet18: skipped, {model} or {idx} missing"); return; }
        var pixels = IdxFile.Read(idx).ToFloat32();
        const int Side = 224, Plane = Side * Side;
        var data = new float[(long)count * 3 * Plane];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < Side; y++)
                    for (int x = 0; x < Side; x++) data[((long)i * 3 + c) * Plane + y * Side + x] = pixels[i * 784 + y / 8 * 28 + x / 8] - 114f;
        var array = NdArray.FromFloats(data, [count, 3, Side, Side]);
        Compare($"NuGet ResNet18 (224×224, fixed batch 1), {count} inputs, pooled output", rounds,
            overlap => new ActivationExtractor(new() { ModelPath = model, Tensors = ["Pooling395_Output_0"], Tokens = new TokenSelection(TokenMode.Mean), Overlap = overlap, Session = new() { IntraOpThreads = threads } }),
            () => new TensorInput(array, "fashion-mnist"));
    }

    /// <summary>Warm-up rounds over the input's first batch (see <see cref="Compare"/>).</summary>
    private const int WarmUpRounds = 72;

    private static void Compare(string title, int rounds, Func<bool, ActivationExtractor> create, Func<ExtractionInput> input)
    {
        Console.WriteLine($"## {title}");
        using var overlapped = create(true);
        using var sequential = create(false);
        var names = new[] { "ORT alone", "overlapped", "sequential" };
        var wall = names.Select(_ => new List<double>()).ToArray();
        var cpu = names.Select(_ => new List<double>()).ToArray();
        // Output folders are made and deleted outside the timed calls.
        var scratch = Directory.CreateTempSubdirectory("mlnc-bench-extract-").FullName;
        int runsDone = 0;
        double Pipeline(ActivationExtractor ex, ExtractionInput samples)
        {
            ActivationFiles.Write(ex, samples, Path.Combine(scratch, $"run{runsDone++}"));
            return 0;
        }
        void Clean()
        {
            foreach (var d in Directory.GetDirectories(scratch)) Directory.Delete(d, true);
        }
        var batches = overlapped.AllBatches(input());
        var runs = new Func<double>[] { () => { overlapped.RuntimeAlone(batches); return 0; }, () => Pipeline(overlapped, input()), () => Pipeline(sequential, input()) };
        // One round: the three paths in rotated order, with the background JIT thread's CPU over the round.
        (List<(int Path, double Wall, double Cpu)> Times, double JitMs, string Line) Round(int r, Func<double>[] paths)
        {
            var times = new List<(int Path, double Wall, double Cpu)>();
            var threadUse = ThreadTimes.Around(() =>
            {
                for (int k = 0; k < names.Length; k++)
                {
                    int v = (k + r) % names.Length;
                    var (w, c) = Timing.WallAndCpu(() => paths[v]());
                    times.Add((v, w, c));
                    Clean();
                }
            });
            double jit = threadUse.CpuMsOf(ThreadTimes.JitThread);
            var line = FormattableString.Invariant($"round {r}, load {Machine.LoadAverage():0.0}, JIT {jit:F1} ms: {string.Join(", ", times.Select(t => $"{names[t.Path]} {t.Wall:F3} s ({t.Cpu:F2})"))}");
            return (times, jit, line);
        }
        // Warm-up, not counted. A first full round pays each session's first Run and the page cache. Then the
        // JIT: the runtime recompiles a method on a background thread once it has been called 30 times (twice
        // over, with tiered PGO), and that thread takes a core from whichever path is being timed. A real
        // extraction calls its per-batch code that often within its first seconds and its per-run code once,
        // but repeated benchmark runs would go on promoting per-run code (and this harness's own bookkeeping)
        // for dozens of rounds. So WarmUpRounds rounds run over the input's first batch only, through the same
        // code as the counted rounds, and the counted rounds start once the JIT thread is idle.
        double jitFirst = Round(0, runs).JitMs;
        int batch = overlapped.FixedBatch > 0 ? overlapped.FixedBatch : overlapped.Options.BatchSize;
        var headBatches = overlapped.AllBatches(new HeadInput(input(), batch));
        var headRuns = new Func<double>[]
        {
            () => { overlapped.RuntimeAlone(headBatches); return 0; },
            () => Pipeline(overlapped, new HeadInput(input(), batch)),
            () => Pipeline(sequential, new HeadInput(input(), batch)),
        };
        double jitHead = 0;
        for (int w = 1; w <= WarmUpRounds; w++) jitHead += Round(w, headRuns).JitMs;
        var (idleAfter, jitIdle) = WaitForIdleJit();
        Console.WriteLine(FormattableString.Invariant(
            $"warm-up: a full round (background JIT {jitFirst:F0} ms CPU), {WarmUpRounds} rounds over the first batch (JIT {jitHead:F0} ms), then {idleAfter:F1} s until the JIT thread was idle (JIT {jitIdle:F0} ms)"));
        for (int r = 1; r <= rounds; r++)
        {
            var (times, _, line) = Round(r, runs);
            foreach (var (v, w, c) in times)
            {
                wall[v].Add(w);
                cpu[v].Add(c);
            }
            Console.WriteLine(line);
        }
        Console.WriteLine();
        Console.WriteLine("| path | wall s, median (best) | wall / ORT alone, median of rounds (best / best) | CPU s, median | CPU / ORT alone's CPU, median |");
        Console.WriteLine("|---|---|---|---:|---:|");
        for (int v = 0; v < names.Length; v++)
        {
            var ratios = wall[v].Zip(wall[0], (a, b) => a / b).ToList();
            var cpuRatios = cpu[v].Zip(cpu[0], (a, b) => a / b).ToList();
            Console.WriteLine(FormattableString.Invariant($"| {names[v]} | {Timing.Median(wall[v]):F3} ({wall[v].Min():F3}) | {Timing.Median(ratios):F3} ({wall[v].Min() / wall[0].Min():F3}) | {Timing.Median(cpu[v]):F2} | {Timing.Median(cpuRatios):F3} |"));
        }
        Console.WriteLine();
        var threadsAlone = ThreadTimes.Around(() => runs[0]());
        Console.WriteLine($"threads, ORT alone: {threadsAlone}");
        foreach (var (name, ex) in new[] { ("overlapped", overlapped), ("sequential", sequential) })
        {
            ex.Profile.Reset();
            double w = 0;
            var threadUse = ThreadTimes.Around(() => w = Timing.WallAndCpu(() => Pipeline(ex, input())).Wall);
            Console.WriteLine(FormattableString.Invariant($"profile, {name}: {ex.Profile}; files closed, rows.csv, renames {(w - ex.Profile.Wall.TotalSeconds) * 1e3:F1} ms"));
            Console.WriteLine($"threads, {name}: {threadUse}");
            Clean();
        }
        Directory.Delete(scratch, true);
        Console.WriteLine();
    }

    /// <summary>Waits (up to 10 s) until the background JIT thread used no CPU over 100 ms; the seconds waited and its CPU ms meanwhile.</summary>
    private static (double Seconds, double JitMs) WaitForIdleJit()
    {
        long t0 = Stopwatch.GetTimestamp();
        double total = 0;
        for (int i = 0; i < 100; i++)
        {
            double ms = ThreadTimes.Around(() => Thread.Sleep(100)).CpuMsOf(ThreadTimes.JitThread);
            total += ms;
            if (ms < 0.1) break;
        }
        return (Stopwatch.GetElapsedTime(t0).TotalSeconds, total);
    }

    /// <summary>The first <paramref name="count"/> samples of <paramref name="inner"/>, lent or copied as <paramref name="inner"/> does it.</summary>
    private sealed class HeadInput(ExtractionInput inner, int count) : ExtractionInput
    {
        public override int Count => Math.Min(count, inner.Count);
        public override string Modality => inner.Modality;
        public override string SampleName(int i) => inner.SampleName(i);
        public override OnnxInput Batch(int start, int n, OnnxTensorInfo input) => inner.Batch(start, n, input);
        public override long[] BatchInto(int start, int n, OnnxTensorInfo input, float[] buffer) => inner.BatchInto(start, n, input, buffer);
        internal override BorrowedBatch? Borrow(int start, int n, OnnxTensorInfo input) => inner.Borrow(start, n, input);
        public override int EndIndex(int i) => inner.EndIndex(i);
    }

    /// <summary>A row of the image-path view.</summary>
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    /// <summary>The IDataView path against the direct block path, both over the same PNG files, rows kept in memory.</summary>
    private static void ViewPath(IReadOnlyList<RasterImage> pictures, int rounds, int threads, string model, string[] tensors, ImagePreprocessor pre)
    {
        Console.WriteLine($"## IDataView path: demo VLM image tower, {pictures.Count} PNG files, block0–3 CLS + image_embeds kept in memory");
        var dir = Directory.CreateTempSubdirectory("mlnc-bench-view-").FullName;
        try
        {
            var files = new string[pictures.Count];
            for (int i = 0; i < files.Length; i++)
            {
                var p = pictures[i];
                files[i] = Path.Combine(dir, $"{i:D5}.png");
                File.WriteAllBytes(files[i], PngWriter.Encode(new PixelImage(p.Width, p.Height, p.Channels, Array.ConvertAll(p.Pixels, v => (byte)v))));
            }
            var options = new ActivationExtractorOptions { ModelPath = model, Tensors = tensors, BatchSize = 256, Session = new() { IntraOpThreads = threads } };
            using var direct = new ActivationExtractor(options);
            var ml = new MLContext(1);
            using var transformer = ml.Transforms.ExtractActivations(options, "Path", pre);
            var view = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }));
            var columns = tensors.Select(t => Path.GetFileNameWithoutExtension(ActivationFiles.FileName(t))).ToArray();

            double Direct()
            {
                var outputs = new float[tensors.Length][];
                direct.Run(new ImageInput(files, pre), blocks =>
                {
                    for (int t = 0; t < blocks.Count; t++)
                    {
                        var b = blocks[t];
                        outputs[t] ??= new float[files.Length * b.Width];
                        b.Values.CopyTo(outputs[t], (int)b.SampleIds[0] * b.Width);
                    }
                });
                return outputs[0][0];
            }
            double ThroughView()
            {
                var mapped = transformer.Transform(view);
                var cols = columns.Select(c => mapped.Schema[c]).ToArray();
                using var cursor = mapped.GetRowCursor(cols);
                var getters = cols.Select(c => cursor.GetGetter<VBuffer<float>>(c)).ToArray();
                VBuffer<float> row = default;
                double sum = 0;
                while (cursor.MoveNext())
                    foreach (var g in getters) { g(ref row); sum += row.GetValues()[0]; }
                return sum;
            }
            var names = new[] { "ORT alone", "direct block path", "IDataView path" };
            var batches = direct.AllBatches(new ImageInput(files, pre));
            var runs = new Func<double>[] { () => { direct.RuntimeAlone(batches); return 0; }, Direct, ThroughView };
            var wall = names.Select(_ => new List<double>()).ToArray();
            var cpu = names.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r <= rounds; r++)
            {
                var line = new List<string>();
                for (int k = 0; k < names.Length; k++)
                {
                    int v = (k + r) % names.Length;
                    var (w, c) = Timing.WallAndCpu(() => runs[v]());
                    if (r == 0) continue;
                    wall[v].Add(w);
                    cpu[v].Add(c);
                    line.Add(FormattableString.Invariant($"{names[v]} {w:F3} s ({c:F2})"));
                }
                if (r > 0) Console.WriteLine($"round {r}, load {Machine.LoadAverage():0.0}: {string.Join(", ", line)}");
            }
            Console.WriteLine();
            Console.WriteLine("| path | wall s, median (best) | wall / direct, median of rounds (best / best) | wall / ORT alone, median | CPU s, median | CPU / direct's CPU, median |");
            Console.WriteLine("|---|---|---|---:|---:|---:|");
            for (int v = 0; v < names.Length; v++)
            {
                var toDirect = wall[v].Zip(wall[1], (a, b) => a / b).ToList();
                var toOrt = wall[v].Zip(wall[0], (a, b) => a / b).ToList();
                var cpuToDirect = cpu[v].Zip(cpu[1], (a, b) => a / b).ToList();
                Console.WriteLine(FormattableString.Invariant($"| {names[v]} | {Timing.Median(wall[v]):F3} ({wall[v].Min():F3}) | {Timing.Median(toDirect):F3} ({wall[v].Min() / wall[1].Min():F3}) | {Timing.Median(toOrt):F3} | {Timing.Median(cpu[v]):F2} | {Timing.Median(cpuToDirect):F3} |"));
            }
            Console.WriteLine();
        }
        finally { Directory.Delete(dir, true); }
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
