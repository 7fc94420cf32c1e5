using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc extract</c>: runs an ONNX model over images, an IDX array, a raw tensor or texts and
/// writes one .npy per requested tensor plus rows.csv.
/// </summary>
internal static class ExtractCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var images = new Option<string?>("--images") { Description = "Folder of images (.png .jpg .jpeg .webp .gif .bmp), read in name order." };
        var idx = new Option<string?>("--idx") { Description = "IDX image array ([N,H,W] or [N,H,W,C], gzip allowed), e.g. Fashion-MNIST." };
        var input = new Option<string?>("--input") { Description = "NAME=X.npy: a raw tensor [N,...] fed straight to model input NAME." };
        var texts = new Option<string?>("--texts") { Description = "Text file, one text per line, fed through a tokenizer (--vocab)." };
        var vocab = new Option<string?>("--vocab") { Description = "Tokenizer vocabulary: vocab.json (CLIP BPE, with --merges) or a word list (one token per line)." };
        var merges = new Option<string?>("--merges") { Description = "merges.txt of a CLIP BPE tokenizer." };
        var context = new Option<int>("--context") { Description = "Context length of the text tokenizer.", DefaultValueFactory = _ => 77 };
        var tensors = new Option<string[]>("--tensor") { Description = "Tensor to extract: a name or block:i (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false };
        var tokens = new Option<string>("--tokens") { Description = "cls, all, mean, end (text) or random:N.", DefaultValueFactory = _ => "cls" };
        var preset = new Option<string>("--preset") { Description = "Image preprocessing: clip (OpenAI CLIP's exactly: PIL bicubic on 8-bit pixels to the model's size, centre crop, CLIP mean/std), clip-float (the same with torchvision's float resize) or none (pixels/255, then --mean/--std).", DefaultValueFactory = _ => "none" };
        var mean = new Option<string?>("--mean") { Description = "With --preset none: per-channel mean(s) on the [0,1] scale, comma-separated." };
        var std = new Option<string?>("--std") { Description = "With --preset none: per-channel std(s), comma-separated." };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N samples." };
        var batch = new Option<int>("--batch") { Description = "Samples per model call.", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Seed for --tokens random:N.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var skipBad = new Option<bool>("--skip-bad") { Description = "With --images: skip files that cannot be decoded, list them on stderr and in skipped.txt, instead of failing." };
        var resume = new Option<bool>("--resume") { Description = "Checkpoint after every batch; if the output folder holds a checkpoint of the same extraction, continue from it." };
        var cmd = new Command("extract", "Extract activations of an ONNX model (one .npy per tensor and rows.csv).");
        foreach (var o in new Option[] { model, images, idx, input, texts, vocab, merges, context, tensors, tokens, preset, mean, std, limit, batch, seed, output, resume, skipBad })
            cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var sources = new[] { r.GetValue(images), r.GetValue(idx), r.GetValue(input), r.GetValue(texts) }.Count(s => s != null);
            if (sources != 1) throw new ConceptDataException("give exactly one of --images, --idx, --input and --texts.");
            int threads = r.GetValue(GlobalOptions.Threads) ?? 0;
            string? inputName = null;
            var options = new ActivationExtractorOptions
            {
                ModelPath = r.GetValue(model)!,
                Tensors = r.GetValue(tensors)!,
                Tokens = TokenSelection.Parse(r.GetValue(tokens)!),
                BatchSize = r.GetValue(batch),
                Seed = r.GetValue(seed),
                Session = new OnnxSessionOptions { IntraOpThreads = threads },
            };
            if (r.GetValue(input) is string spec)
            {
                int eq = spec.IndexOf('=');
                if (eq <= 0) throw new ConceptDataException($"--input '{spec}': use NAME=FILE.npy.");
                inputName = spec[..eq];
                options = options with { InputName = inputName };
            }
            using var extractor = new ActivationExtractor(options);
            var source = MakeInput(r, extractor, images, idx, input, texts, vocab, merges, context, preset, mean, std, limit, skipBad);
            var clock = Stopwatch.StartNew();
            long lastReport = 0;
            var result = ActivationFiles.Write(extractor, source, r.GetValue(output)!, (done, total) =>
            {
                if (clock.ElapsedMilliseconds - lastReport < 2000 && done < total) return;
                lastReport = clock.ElapsedMilliseconds;
                Console.Error.WriteLine($"[extract] {done}/{total} samples");
            }, r.GetValue(resume));
            double wall = clock.Elapsed.TotalSeconds, inOrt = extractor.RuntimeTime.TotalSeconds;
            Console.Error.WriteLine($"[extract] {source.Count} samples in {wall:F2} s ({source.Count / Math.Max(1e-9, wall):F1}/s); ONNX Runtime alone {inOrt:F2} s ({source.Count / Math.Max(1e-9, inOrt):F1}/s)");
            for (int i = 0; i < result.Files.Count; i++)
                Console.WriteLine($"{result.Files[i]}\t{result.Rows[i]} x {result.Widths[i]}\t{extractor.TensorNames[i]}");
            foreach (var c in result.RowsCsv) Console.WriteLine(c);
            return CliAction.Success;
        });
        return cmd;
    }

    private static ExtractionInput MakeInput(ParseResult r, ActivationExtractor ex, Option<string?> images, Option<string?> idx, Option<string?> input,
        Option<string?> texts, Option<string?> vocab, Option<string?> merges, Option<int> context, Option<string> preset, Option<string?> mean, Option<string?> std, Option<int?> limit, Option<bool> skipBad)
    {
        int? n = r.GetValue(limit);
        if (r.GetValue(input) is string spec)
        {
            var path = spec[(spec.IndexOf('=') + 1)..];
            var a = NpyFile.Read(path);
            if (n is int k && k < a.Shape[0])
            {
                int per = (int)(a.Length / a.Shape[0]);
                var shape = a.Shape.ToArray();
                shape[0] = k;
                a = a.Type is NdType.Int64 or NdType.Int32
                    ? NdArray.FromInt64s(a.ToInt64()[..(k * per)], shape)
                    : NdArray.FromFloats(a.ToFloat32()[..(k * per)], shape);
            }
            return new TensorInput(a, path);
        }
        if (r.GetValue(texts) is string textFile)
        {
            if (!File.Exists(textFile)) throw new ConceptDataException($"{textFile}: file not found.");
            var lines = File.ReadAllLines(textFile).Where(l => l.Trim().Length > 0).ToList();
            if (n is int k) lines = lines.Take(k).ToList();
            var v = r.GetValue(vocab) ?? throw new ConceptDataException("--texts needs --vocab (and --merges for a CLIP BPE vocab.json).");
            ITextTokenizer tok = r.GetValue(merges) is string m
                ? new ClipBpeTokenizer(v, m, r.GetValue(context))
                : new WordTokenizer(v, r.GetValue(context));
            return new TextInput(lines, tok);
        }
        int channels = ex.Input.Dims.Length == 4 && ex.Input.Dims[1] is 1 or 3 ? (int)ex.Input.Dims[1] : 3;
        var pre = r.GetValue(preset)!.ToLowerInvariant() switch
        {
            "clip" => ImagePreprocessor.Clip(ex.Input.Dims.Length == 4 && ex.Input.Dims[2] > 0 ? (int)ex.Input.Dims[2] : 224) with { Channels = channels },
            "clip-float" => ImagePreprocessor.ClipFloat(ex.Input.Dims.Length == 4 && ex.Input.Dims[2] > 0 ? (int)ex.Input.Dims[2] : 224) with { Channels = channels },
            "none" => ImagePreprocessor.None(channels) with { Mean = Floats(r.GetValue(mean), "--mean") ?? [0f], Std = Floats(r.GetValue(std), "--std") ?? [1f] },
            var p => throw new ConceptDataException($"--preset '{p}': use clip, clip-float or none."),
        };
        if (r.GetValue(idx) is string idxFile) return new ImageInput(IdxImages.ReadImages(idxFile, n), pre, idxFile);
        var files = ImageFile.ListFolder(r.GetValue(images)!);
        if (n is int lim) files = files.Take(lim).ToList();
        if (r.GetValue(skipBad))
        {
            files = ImageFile.Readable(files, out var rejected);
            if (rejected.Count > 0)
            {
                foreach (var (f, why) in rejected) Console.Error.WriteLine($"[extract] skipped {why}");
                AtomicFile.WriteText(Path.Combine(r.GetValue<string>("--out")!, "skipped.txt"), string.Join("\n", rejected.Select(x => $"{x.File}\t{x.Reason}")) + "\n");
            }
            if (files.Count == 0) throw new ConceptDataException($"{r.GetValue(images)}: no image could be decoded.");
        }
        return new ImageInput(files, pre);
    }

    private static float[]? Floats(string? text, string what)
    {
        if (text == null) return null;
        try { return text.Split(',').Select(s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new ConceptDataException($"{what} '{text}': expected comma-separated numbers."); }
    }
}
