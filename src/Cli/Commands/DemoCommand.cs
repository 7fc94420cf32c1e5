using System.CommandLine;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Studies.Runner;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc demo</c>: the quickstart behind <c>./run.sh demo</c>. The project's demo VLM reads the
/// Fashion-MNIST test set; activations of every block, the auxiliary encoder's embeddings and the
/// joint image/caption embeddings go through the robustness study, which writes report.html.
/// <c>--model resnet18</c> runs the second quickstart instead: the pretrained ResNet18 from NuGet
/// on the first 2,000 test images (<c>--images N</c>, <c>--all</c>), its residual stages and pooled
/// output as layers, into out/resnet18. <c>--synthetic</c> runs the default study on the
/// multimodal synthetic benchmark.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Output folder (default: out/quickstart, or out/resnet18 with --model resnet18)." };
        var model = new Option<string>("--model") { Description = "demo: the project's demo VLM (with text); resnet18: the pretrained ResNet18 from NuGet (images only).", DefaultValueFactory = _ => "demo" };
        model.AcceptOnlyFromAmong("demo", "resnet18");
        var synthetic = new Option<bool>("--synthetic") { Description = "Run the default study on the embedded synthetic benchmark instead of real images." };
        var limit = new Option<int?>("--images") { Description = $"Use only the first N test images (default: all 10,000 for the demo VLM, {ResNet18Quickstart.DefaultImages:N0} for resnet18)." };
        var all = new Option<bool>("--all") { Description = "Use all 10,000 test images." };
        var noBottleneck = new Option<bool>("--no-bottleneck") { Description = "Skip the concept-bottleneck stage (class accuracy from raw activations, all SAE codes and the top-m concepts of the last image block)." };
        var cmd = new Command("demo", "Run the quickstart: the demo VLM (or --model resnet18) on Fashion-MNIST, SAEs and clustering side by side, an HTML report.");
        cmd.Options.Add(output);
        cmd.Options.Add(model);
        cmd.Options.Add(synthetic);
        cmd.Options.Add(limit);
        cmd.Options.Add(all);
        cmd.Options.Add(noBottleneck);
        CliAction.Set(cmd, r =>
        {
            bool resnet = r.GetValue(model) == "resnet18";
            string outDir = r.GetValue(output) ?? Path.Combine("out", resnet ? "resnet18" : "quickstart");
            var started = DateTime.UtcNow;
            void Log(string line) => AnsiConsole.MarkupLine($"[grey]{DateTime.UtcNow - started:mm\\:ss}[/] {Markup.Escape(line)}");
            if (r.GetValue(all) && r.GetValue(limit) is not null) throw new ConceptDataException("--images and --all: give one of them.");
            if (r.GetValue(limit) is <= 0) throw new ConceptDataException($"--images must be positive, got {r.GetValue(limit)}.");
            int? images = r.GetValue(all) ? null : r.GetValue(limit);
            if (r.GetValue(synthetic))
            {
                if (resnet) throw new ConceptDataException("--synthetic and --model resnet18: the synthetic benchmark has no images for the ResNet18; give one of them.");
                AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/] on the multimodal synthetic benchmark.");
                StudyCommand.Run(DefaultStudy.Prepare(Path.Combine(outDir, "data")), outDir);
                return CliAction.Success;
            }
            StudyResult result;
            if (resnet)
            {
                AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/]: the pretrained ResNet18 (NuGet) on the Fashion-MNIST test set, SAEs and clustering side by side.");
                result = new ResNet18Quickstart(Log) { Limit = r.GetValue(all) ? null : images ?? ResNet18Quickstart.DefaultImages }.Run(outDir);
            }
            else
            {
                AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/]: the demo VLM on the Fashion-MNIST test set, SAEs and clustering side by side.");
                result = new FashionQuickstart(Log) { Limit = images, Bottleneck = !r.GetValue(noBottleneck) }.Run(outDir);
            }
            StudyCommand.PrintSummary(result, outDir);
            Log("done");
            return CliAction.Success;
        });
        return cmd;
    }
}
