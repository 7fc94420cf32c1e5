using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using MlNetConcepts.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
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

    private static Option<string> Activations() => new("--activations") { Description = "Activations, a float .npy matrix N×d.", Required = true };

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
        var output = new Option<string>("--out") { Description = "Output folder (sae.mlnc and saelens/).", Required = true };
        var cmd = new Command("train", "Train an SAE on an activation matrix; writes DIR/sae.mlnc and DIR/saelens/.");
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
            var view = LoadView(r.GetValue(acts)!); // bad options and bad input fail before the output folder exists
            Directory.CreateDirectory(dir);
            var trainer = new ConceptContext(options.Seed).Sae.Train(options);
            trainer.Progress = p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F5}  R2 {p.R2:F4}  L0 {p.L0:F1}  dead {p.DeadFraction:P1} (silent on the last {p.DeadSpanSamples} samples)  lr {p.LearningRate:G3}"));
            var sae = trainer.Fit(view);
            ModelArchive.Save((ISavableComponent)sae, Path.Combine(dir, "sae.mlnc"));
            SaeLensFormat.Export(sae, Path.Combine(dir, "saelens"));
            var m = trainer.LastMetrics ?? SaeMetrics.Compute(sae, view, "Features");
            Console.WriteLine(FormatMetrics(m, trainer.LastMetrics is null ? $"{m.Rows} training rows" : $"{m.Rows} held-out rows"));
            return CliAction.Success;
        });
        return cmd;
    }

    private static Command Encode()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (from sae train), a .mlnc archive, or a SAELens/sparsify folder.", Required = true };
        var acts = Activations();
        var output = new Option<string>("--out") { Description = "Output .npy (dense N×n) or .npz with --sparse.", Required = true };
        var sparse = new Option<bool>("--sparse") { Description = "Write CSR codes as .npz (indptr, indices, values, shape)." };
        var cmd = new Command("encode", "Encode activations into SAE codes.");
        foreach (var o in new Option[] { sae, acts, output, sparse }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var model = LoadSae(r.GetValue(sae)!);
            var x = ReadActivations(r.GetValue(acts)!, out int rows, out int cols);
            CheckWidth(model, cols, r.GetValue(acts)!);
            var codes = model.Encode(x, rows);
            string path = r.GetValue(output)!;
            if (r.GetValue(sparse))
            {
                int nnz = codes.Count;
                var arrays = new (string, NdArray)[]
                {
                    ("indptr", NdArray.FromInt64s(codes.RowStart.Select(v => (long)v).ToArray(), rows + 1)),
                    ("indices", NdArray.FromInt32s(codes.Index[..nnz], nnz)),
                    ("values", NdArray.FromFloats(codes.Value[..nnz], nnz)),
                    ("shape", NdArray.FromInt64s([rows, model.Latents], 2)),
                };
                AtomicFile.Write(path, s =>
                {
                    using var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true);
                    foreach (var (name, a) in arrays)
                    {
                        using var e = zip.CreateEntry(name + ".npy").Open();
                        NpyFile.Write(e, a);
                    }
                });
            }
            else NpyFile.WriteMatrix(path, codes.ToDense(model.Latents), rows, model.Latents);
            Console.WriteLine($"{rows} rows encoded into {model.Latents} latents ({(double)codes.Count / Math.Max(1, rows):F1} active per row) -> {path}");
            return CliAction.Success;
        });
        return cmd;
    }

    private static Command Eval()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder, .mlnc archive, or SAELens folder.", Required = true };
        var acts = Activations();
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output." };
        var features = new Option<string?>("--features") { Description = "Planted feature directions M×d (.npy, e.g. from synth superposition): also report MMCS, the mean over features of the best cosine with any decoder row." };
        var cmd = new Command("eval", "Reconstruction metrics: MSE, R², L0, dead fraction, mean cosine; MMCS against planted features.");
        foreach (var o in new Option[] { sae, acts, json, features }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var model = LoadSae(r.GetValue(sae)!);
            var x = ReadActivations(r.GetValue(acts)!, out int rows, out int cols);
            CheckWidth(model, cols, r.GetValue(acts)!);
            var m = SaeMetrics.Compute(model, Enumerable.Range(0, (rows + 4095) / 4096).Select(b => x[(b * 4096 * cols)..(Math.Min(rows, (b + 1) * 4096) * cols)]));
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
        if (File.Exists(path)) return ModelArchive.Load<SaeTransformer>(path);
        string archive = Path.Combine(path, "sae.mlnc");
        if (File.Exists(archive)) return ModelArchive.Load<SaeTransformer>(archive);
        return SaeLensFormat.Import(path);
    }

    private static float[] ReadActivations(string path, out int rows, out int cols)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: activation file not found.");
        var x = NpyFile.ReadMatrix(path, out rows, out cols);
        if (rows == 0) throw new ConceptDataException($"{path}: the activation matrix has no rows.");
        for (long q = 0; q < x.LongLength; q++)
            if (!float.IsFinite(x[q])) throw new ConceptDataException($"{path}: row {q / cols} has a non-finite value ({x[q]}) at column {q % cols}.");
        return x;
    }

    private static void CheckWidth(SaeTransformer model, int cols, string path)
    {
        if (cols != model.Inputs) throw new ConceptDataException($"{path}: activations have width {cols}, but the SAE expects width {model.Inputs}.");
    }

    private static IConceptView LoadView(string path)
    {
        var x = ReadActivations(path, out _, out int cols);
        return InMemoryView.FromMatrix("Features", x, cols);
    }
}
