using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Trainers.Sae.Synthetic;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc sae train|encode|eval</c>: train, apply and score sparse autoencoders.</summary>
internal static class SaeCommand
{
    public static Command Create()
    {
        var cmd = new Command("sae", "Sparse autoencoders: train, encode, evaluate.");
        cmd.Subcommands.Add(Train());
        cmd.Subcommands.Add(Encode());
        cmd.Subcommands.Add(Eval());
        return cmd;
    }

    private static Option<string> Activations() => new("--activations") { Description = "Activations, a float .npy matrix N×d or an Arrow file (.arrow/.feather/.arrows) with one float32 list column.", Required = true };

    private static Command Train()
    {
        var acts = Activations();
        var arch = new Option<string>("--arch") { Description = $"SAE variant: {string.Join(", ", SaeVariants.Names)}.", DefaultValueFactory = _ => new SaeOptions().Architecture };
        var expansion = new Option<int>("--expansion") { Description = "Latents as a multiple of d.", DefaultValueFactory = _ => 8 };
        var k = new Option<int>("--k") { Description = $"Active latents per sample ({string.Join(", ", SaeVariants.All().Where(v => v.UsesK).Select(v => v.Name))}).", DefaultValueFactory = _ => new SaeOptions().K };
        var steps = new Option<int?>("--steps") { Description = "Optimisation steps (default: one epoch)." };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 4096 };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default: derived from the width and the run's length, see SaeOptions.LearningRate)." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var every = new Option<int>("--checkpoint-every") { Description = "Write DIR/checkpoint.safetensors every N steps (0: never)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from DIR/checkpoint.safetensors when it exists." };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of rows held out for the final metrics.", DefaultValueFactory = _ => 0.05 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the rows when --steps is not given.", DefaultValueFactory = _ => 1 };
        var deadWindow = new Option<long?>("--dead-window") { Description = "A latent silent for this many samples counts as dead (AuxK acts on it). Default: 10M, or less on a shorter run (see SaeOptions.DeadWindowSamples)." };
        var auxCoefficient = new Option<double?>("--auxk-coefficient") { Description = "Weight of the AuxK loss on dead latents (default 1/32, see SaeOptions.AuxKCoefficient)." };
        var auxPre = new Option<bool?>("--auxk-pre-activations") { Description = "true: AuxK also uses negative pre-activations, so latents silent on every input still learn; false: only positive ones. Default: true on runs shorter than the published window." };
        var variantFlags = new SaeVariantFlags();
        var output = new Option<string>("--out") { Description = "Output folder (saelens/ and model.zip, the ML.NET model).", Required = true };
        var cmd = new Command("train", "Train an SAE on an activation matrix; writes DIR/saelens/ and DIR/model.zip.");
        foreach (var o in new Option[] { acts, arch, expansion, k, steps, epochs, batch, lr, seed, every, resume, holdout, deadWindow, auxCoefficient, auxPre, output }.Concat(variantFlags.Options)) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var variant = SaeVariants.Create(r.GetValue(arch)!);
            string dir = r.GetValue(output)!;
            var options = new SaeOptions
            {
                Architecture = variant.Name,
                ExpansionFactor = r.GetValue(expansion),
                K = r.GetValue(k),
                Steps = r.GetValue(steps),
                Epochs = r.GetValue(epochs),
                DeadWindowSamples = r.GetValue(deadWindow),
                AuxKCoefficient = r.GetValue(auxCoefficient),
                AuxKOnPreActivations = r.GetValue(auxPre),
                BatchSize = r.GetValue(batch),
                LearningRate = r.GetValue(lr),
                Seed = r.GetValue(seed),
                CheckpointEvery = r.GetValue(every),
                CheckpointPath = Path.Combine(dir, "checkpoint.safetensors"),
                Resume = r.GetValue(resume),
                HoldOutFraction = r.GetValue(holdout),
            };
            options = variantFlags.Apply(r, variant, options);
            using var view = OpenActivations(r.GetValue(acts)!); // bad options and bad input fail before the output folder exists
            var ml = new MLContext(options.Seed);
            var trainer = ml.Transforms.SparseAutoencoder(options);
            trainer.Progress = p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F5}  R2 {p.R2:F4}  L0 {p.L0:F1}  dead {p.DeadFraction:P1} (silent on the last {p.DeadSpanSamples} samples)  lr {p.LearningRate:G3}"));
            var sae = trainer.Fit(view);
            var m = trainer.LastMetrics ?? SaeMetrics.Compute(sae, view, "Features");
            // The model files appear together once training succeeded (the checkpoint, kept for --resume, is written in place).
            using (var outputs = OutputFolder.Begin(dir))
            {
                SaeLensFormat.Export(sae, outputs.File("saelens"));
                if (SaeOnnx.Supports(sae)) ml.Model.Save(sae, view.Schema, outputs.File("model.zip"));
                else Console.Error.WriteLine($"note: variant '{sae.Architecture}' has no ONNX inference rule, so no model.zip is written (saelens/ holds the SAE).");
                outputs.Commit();
            }
            Console.WriteLine(FormatMetrics(m, trainer.LastMetrics is null ? $"{m.Rows} training rows" : $"{m.Rows} held-out rows"));
            return CliAction.Success;
        });
        return cmd;
    }

    private static Command Encode()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (from sae train) or a SAELens/sparsify folder.", Required = true };
        var acts = Activations();
        var output = new Option<string>("--out") { Description = "Output .npy (dense N×n) or .npz with --sparse.", Required = true };
        var sparse = new Option<bool>("--sparse") { Description = "Write CSR codes as .npz (indptr, indices, values, shape)." };
        var cmd = new Command("encode", "Encode activations into SAE codes.");
        foreach (var o in new Option[] { sae, acts, output, sparse }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var model = LoadSae(r.GetValue(sae)!);
            string input = r.GetValue(acts)!;
            using var file = OpenActivationFile(input, model);
            string path = r.GetValue(output)!;
            long rows = file.Rows, active = 0;
            if (r.GetValue(sparse))
            {
                // CSR arrays grow with the active latents only (12 bytes per active value); the dense input streams.
                var indptr = new List<long> { 0 };
                var indices = new List<int>();
                var values = new List<float>();
                foreach (var (x, n, _) in Blocks(file))
                {
                    var codes = model.Encode(x, n);
                    for (int i = 1; i <= n; i++) indptr.Add(indices.Count + codes.RowStart[i]);
                    indices.AddRange(codes.Index.AsSpan(0, codes.Count));
                    values.AddRange(codes.Value.AsSpan(0, codes.Count));
                }
                active = indices.Count;
                var arrays = new (string, NdArray)[]
                {
                    ("indptr", NdArray.FromInt64s(indptr.ToArray(), rows + 1)),
                    ("indices", NdArray.FromInt32s(indices.ToArray(), indices.Count)),
                    ("values", NdArray.FromFloats(values.ToArray(), values.Count)),
                    ("shape", NdArray.FromInt64s([rows, model.Latents], 2)),
                };
                AtomicFile.Write(path, s =>
                {
                    using var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true);
                    foreach (var (name, a) in arrays)
                    {
                        // Stored, as numpy.savez writes: readers map the members in place instead of inflating a copy.
                        using var e = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
                        NpyFile.Write(e, a);
                    }
                });
            }
            else
            {
                // Dense codes are streamed to a temporary file renamed into place when complete.
                using var writer = new NpyStreamWriter(path, model.Latents);
                foreach (var (x, n, _) in Blocks(file))
                {
                    var codes = model.Encode(x, n);
                    active += codes.Count;
                    writer.Append(codes.ToDense(model.Latents));
                }
                writer.Complete();
            }
            Console.WriteLine($"{rows} rows encoded into {model.Latents} latents ({(double)active / Math.Max(1, rows):F1} active per row) -> {path}");
            return CliAction.Success;
        });
        return cmd;
    }

    private static Command Eval()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (from sae train) or SAELens folder.", Required = true };
        var acts = Activations();
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var features = new Option<string?>("--features") { Description = "Planted feature directions M×d (.npy, e.g. from synth superposition): also report MMCS, the mean over features of the best cosine with any decoder row." };
        var cmd = new Command("eval", "Reconstruction metrics: MSE, R², L0, dead fraction, mean cosine; MMCS against planted features.");
        foreach (var o in new Option[] { sae, acts, json, features }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var model = LoadSae(r.GetValue(sae)!);
            using var file = OpenActivationFile(r.GetValue(acts)!, model);
            long rows = file.Rows;
            var m = SaeMetrics.Compute(model, Blocks(file).Select(b => b.Block));
            double? mmcs = r.GetValue(features) is { } fpath ? Recovery(model, fpath) : null;
            Console.WriteLine(r.GetValue(json)
                ? CliJson.Object(("rows", m.Rows), ("mse", m.Mse), ("r2", m.R2), ("l0", m.L0), ("dead_fraction", m.DeadFraction), ("mean_cosine", m.MeanCosine), ("mmcs", mmcs))
                : FormatMetrics(m, $"{rows} rows") + (mmcs is double v ? string.Create(CultureInfo.InvariantCulture, $"  MMCS {v:F4}") : ""));
            return CliAction.Success;
        });
        return cmd;
    }

    /// <summary>MMCS of the SAE's decoder rows against planted features read from <paramref name="path"/>.</summary>
    private static double Recovery(SaeTransformer model, string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: feature file not found.");
        var f = NpyFile.ReadMatrix(path, out int m, out int cols);
        if (m == 0) throw new ConceptDataException($"{path}: the feature matrix has no rows.");
        if (cols != model.Inputs) throw new ConceptDataException($"{path}: features have width {cols}, but the SAE decodes to width {model.Inputs}.");
        return SuperpositionGenerator.MeanMaxCosine(f, model.Weights.DecoderWeight, cols);
    }

    private static string FormatMetrics(SaeMetrics m, string what) => string.Create(CultureInfo.InvariantCulture,
        $"{what}: MSE {m.Mse:G5}  R2 {m.R2:F4}  L0 {m.L0:F2}  dead {m.DeadFraction:P2} (silent on all {m.Rows} rows)  mean cos {m.MeanCosine:F4}");

    internal static SaeTransformer LoadSae(string path)
    {
        if (File.Exists(path))
            throw new ConceptDataException($"{path}: --sae takes a folder: one written by 'mlnc sae train' (its saelens/ is read) or a SAELens/sparsify folder.");
        string saeLens = Path.Combine(path, "saelens");
        return SaeLensFormat.Import(Directory.Exists(saeLens) ? saeLens : path);
    }

    /// <summary>Rows read per block by encode and eval: memory ≈ 4096 × (d + 2·latents) × 4 bytes.</summary>
    private static int BlockRows => BlockRowsOverride ?? 4096;

    /// <summary>Tests set this (on their own thread) to force many small blocks.</summary>
    [ThreadStatic]
    internal static int? BlockRowsOverride;

    /// <summary>Opens an activation file of any size for block reading (float32 .npy streams; other dtypes are converted whole).</summary>
    private static MatrixFile OpenFile(string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: activation file not found.");
        var file = MatrixFile.Open(path);
        if (file.Rows == 0)
        {
            file.Dispose();
            throw new ConceptDataException($"{path}: the activation matrix has no rows.");
        }
        return file;
    }

    private static MatrixFile OpenActivationFile(string path, SaeTransformer model)
    {
        var file = OpenFile(path);
        if (file.Cols != model.Inputs)
        {
            file.Dispose();
            throw new ConceptDataException($"{path}: activations have width {file.Cols}, but the SAE expects width {model.Inputs}.");
        }
        return file;
    }

    /// <summary>The rows in blocks of <see cref="BlockRows"/> (each a fresh array of exactly rows × d), checked for NaN/Inf.</summary>
    private static IEnumerable<(float[] Block, int Rows, long First)> Blocks(MatrixFile file)
    {
        for (long first = 0; first < file.Rows; first += BlockRows)
        {
            int n = (int)Math.Min(BlockRows, file.Rows - first);
            var x = new float[n * file.Cols];
            file.ReadRows(first, n, x);
            for (int q = 0; q < x.Length; q++)
                if (!float.IsFinite(x[q])) throw new ConceptDataException($"{file.Path}: row {first + q / file.Cols} has a non-finite value ({x[q]}) at column {q % file.Cols}.");
            yield return (x, n, first);
        }
    }

    /// <summary>The activations as a streamed view with one column, Features (the trainer checks values as it reads).</summary>
    private static ColumnDataView OpenActivations(string path)
    {
        OpenFile(path).Dispose();
        return new MLContext().Data.LoadFromMatrixFiles(("Features", path));
    }
}
