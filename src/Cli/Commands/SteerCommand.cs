using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Studies.Steering;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc steer</c>: the steering study on the demo VLM (<see cref="SteeringStudy"/>): SAE
/// concepts with the highest MonoSemanticity clamped inside the image tower, insertion and
/// suppression measured in the joint space, DiffMean as the baseline; writes the CSVs and
/// steer_report.html into --out (and the SAE it trained, when --sae is not given) and prints the
/// summary table (or JSON with --json).
/// </summary>
internal static class SteerCommand
{
    public static Command Create()
    {
        var sae = new Option<string?>("--sae") { Description = "SAELens folder of an SAE on the steered tensor's tokens (e.g. DIR/saelens from 'mlnc sae train'); default: train a TopK SAE on the tensor's tokens of --train-images training images (seeded by --seed), written to OUT/sae." };
        var trainImages = new Option<int>("--train-images") { Description = "Without --sae: training images whose tokens train the SAE.", DefaultValueFactory = _ => 4000 };
        var saeSteps = new Option<int>("--sae-steps") { Description = "Without --sae: training steps of the SAE (batches of 1,024 tokens; 256 latents, k = 8).", DefaultValueFactory = _ => 1000 };
        var modelDir = new Option<string?>("--model-dir") { Description = "The demo model's folder (default: tools/demo-model/model of this clone)." };
        var dataset = new Option<string?>("--dataset") { Description = $"Fashion-MNIST folder (default: ${FashionQuickstart.DatasetVariable} or {FashionQuickstart.DebianDataset})." };
        var tensor = new Option<string>("--tensor") { Description = "Steered tensor of image.onnx: a name or block:i.", DefaultValueFactory = _ => "block3" };
        var images = new Option<int>("--images") { Description = "Test images profiled (MonoSemanticity, top images, DiffMean).", DefaultValueFactory = _ => 2000 };
        var concepts = new Option<int>("--concepts") { Description = "Concepts steered (highest MonoSemanticity first).", DefaultValueFactory = _ => 10 };
        var minSupport = new Option<int>("--min-support") { Description = "Rank only concepts firing on at least this many images.", DefaultValueFactory = _ => 20 };
        var topImages = new Option<int>("--top-images") { Description = "Top images per concept.", DefaultValueFactory = _ => 16 };
        var strengths = new Option<string>("--strengths") { Description = "Strengths s (α = s × the concept's largest token activation), comma-separated.", DefaultValueFactory = _ => "0.5,1,2,4" };
        var reportStrength = new Option<double>("--report-strength") { Description = "Strength of the summary table (one of --strengths).", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the image samples.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var cmd = new Command("steer", "Steer the demo VLM with SAE concepts: insertion, suppression and the DiffMean baseline (CSV + steer_report.html).");
        foreach (var o in new Option[] { sae, trainImages, saeSteps, modelDir, dataset, tensor, images, concepts, minSupport, topImages, strengths, reportStrength, seed, output, json })
            cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var options = new SteeringStudyOptions
            {
                SaeDirectory = r.GetValue(sae),
                TrainImages = r.GetValue(trainImages),
                SaeSteps = r.GetValue(saeSteps),
                ModelDirectory = r.GetValue(modelDir) ?? FashionQuickstart.FindModelDirectory(),
                DatasetDirectory = r.GetValue(dataset) ?? FashionQuickstart.FindDataset(),
                Tensor = r.GetValue(tensor)!,
                Images = r.GetValue(images),
                Concepts = r.GetValue(concepts),
                MinSupport = r.GetValue(minSupport),
                TopImages = r.GetValue(topImages),
                Strengths = ParseStrengths(r.GetValue(strengths)!),
                ReportStrength = r.GetValue(reportStrength),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(GlobalOptions.Threads) ?? 0,
            };
            var result = new SteeringStudy(m => Console.Error.WriteLine($"[steer] {m}")).Run(options);
            var dir = r.GetValue(output)!;
            SteeringReport.Write(result, dir);
            Console.Error.WriteLine($"[steer] wrote {string.Join(", ", SteeringReport.Files)} to {dir}");
            if (r.GetValue(json)) Console.WriteLine(Json(result, dir));
            else Print(result.Summary);
            return CliAction.Success;
        });
        return cmd;
    }

    private static double[] ParseStrengths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new ConceptDataException($"--strengths '{text}': '{p}' is not a number.")).ToArray();
    }

    private static void Print(DataFrame summary)
    {
        Console.WriteLine(string.Join('\t', summary.Columns.Select(c => c.Name)));
        for (long i = 0; i < summary.Rows.Count; i++)
            Console.WriteLine(string.Join('\t', summary.Columns.Select(c => c[i] is double d ? d.ToString("0.####", CultureInfo.InvariantCulture) : Convert.ToString(c[i], CultureInfo.InvariantCulture))));
    }

    /// <summary>{"out", "sae", "tensor", "images", "latents", "seconds", "summary": [{column: value}]}; NaN and infinity as null.</summary>
    private static string Json(SteeringResult result, string dir)
    {
        var rows = new JsonArray();
        var s = result.Summary;
        for (long i = 0; i < s.Rows.Count; i++)
        {
            var o = new JsonObject();
            foreach (var c in s.Columns)
                o[c.Name] = c[i] switch
                {
                    double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
                    int n => JsonValue.Create(n),
                    var v => JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture)),
                };
            rows.Add(o);
        }
        var root = new JsonObject
        {
            ["out"] = dir,
            ["sae"] = result.Options.SaeDirectory ?? Path.Combine(dir, SteeringReport.TrainedSaeFolder),
            ["tensor"] = result.Options.Tensor,
            ["images"] = result.Run.Images,
            ["latents"] = result.Run.Latents,
            ["seconds"] = result.Run.Seconds,
            ["summary"] = rows,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
