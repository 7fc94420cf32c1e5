using MlNetConcepts.Views;
using Microsoft.ML;
using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval modality</c>: modality score per concept and optional classifier accuracy.</summary>
internal static class EvalModalityCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × c codes (.npy, or CSR .npz from sae encode --sparse); streamed.");
        var modality = EvalOptions.RequiredPath("--modality", "N modality labels (.npy ints: 0 = image, 1 = text).");
        var inputs = EvalOptions.OptionalPath("--inputs", "N × d inputs, for the modality-classifier accuracy; streamed once per group of "
            + $"concepts, a group holding at most {Modality.DefaultProjectionBytes >> 20} MiB of projections (N × 4 bytes per concept, at least one concept), "
            + "plus one block of rows (--block-rows rounded up to a multiple of 4096) × d × 4 bytes and N × 8 bytes per core while sorting.");
        var dict = EvalOptions.OptionalPath("--dictionary", "c × d dictionary (concepts as rows), with --inputs.");
        var bins = new Option<int>("--bins") { Description = "Histogram bins.", DefaultValueFactory = _ => 10 };
        var output = EvalOptions.RequiredPath("--out", "Output CSV/JSON (concept,image_mean,text_mean,modality_score,energy[,accuracy]).");
        var cmd = new Command("modality", "Modality score of each concept (image share of its mean activation).");
        var block = EvalOptions.BlockRows("block rows × max(c, d) × 4 bytes + 4 bytes per row for the labels + c × 24 bytes, plus the --inputs projections");
        foreach (var o in new Option[] { codes, modality, inputs, dict, bins, output, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var path = r.GetValue(modality)!;
            var labels = Modality.Labels(NpyFile.Read(path), path);
            var files = new List<(string Column, string Path)> { (r.GetValue(codes)!, r.GetValue(codes)!) };
            string? inputsColumn = null;
            if (r.GetValue(inputs) is string inputsPath)
            {
                inputsColumn = inputsPath == files[0].Path ? $"{inputsPath} (--inputs)" : inputsPath;
                files.Add((inputsColumn, inputsPath));
            }
            using var view = new MLContext().Data.LoadFromMatrixFiles(files.ToArray());
            var report = Modality.Scores(view, files[0].Column, labels, inputsColumn, EvalOptions.OptionalMatrix(r, dict),
                EvalOptions.DefaultBlockRows(r, block, view));
            EvalOptions.Save(report, r.GetValue(output)!);
            EvalOptions.Print(Modality.Histogram(report, r.GetValue(bins)), json: false);
            return CliAction.Success;
        });
        return cmd;
    }
}
