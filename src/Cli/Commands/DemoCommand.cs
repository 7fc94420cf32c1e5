using System.CommandLine;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Studies.Runner;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc demo</c>: the quickstart behind <c>./run.sh demo</c>. The project's demo VLM reads the
/// Fashion-MNIST test set; activations of every block, the auxiliary encoder's embeddings and the
/// joint image/caption embeddings go through the robustness study, which writes report.html.
/// <c>--synthetic</c> runs the default study on the multimodal synthetic benchmark instead.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("out", "quickstart") };
        var synthetic = new Option<bool>("--synthetic") { Description = "Run the default study on the embedded synthetic benchmark instead of real images." };
        var limit = new Option<int?>("--images") { Description = "Use only the first N test images (default: all 10,000)." };
        var noBottleneck = new Option<bool>("--no-bottleneck") { Description = "Skip the concept-bottleneck stage (class accuracy from raw activations, all SAE codes and the top-m concepts of the last image block)." };
        var cmd = new Command("demo", "Run the quickstart: the demo VLM on Fashion-MNIST, SAEs and clustering side by side, an HTML report.");
        cmd.Options.Add(output);
        cmd.Options.Add(synthetic);
        cmd.Options.Add(limit);
        cmd.Options.Add(noBottleneck);
        CliAction.Set(cmd, r =>
        {
            string outDir = r.GetValue(output)!;
            var started = DateTime.UtcNow;
            void Log(string line) => AnsiConsole.MarkupLine($"[grey]{DateTime.UtcNow - started:mm\\:ss}[/] {Markup.Escape(line)}");
            if (r.GetValue(synthetic))
            {
                AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/] on the multimodal synthetic benchmark.");
                StudyCommand.Run(DefaultStudy.Prepare(Path.Combine(outDir, "data")), outDir);
                return CliAction.Success;
            }
            AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/]: the demo VLM on the Fashion-MNIST test set, SAEs and clustering side by side.");
            var result = new FashionQuickstart(Log) { Limit = r.GetValue(limit), Bottleneck = !r.GetValue(noBottleneck) }.Run(outDir);
            StudyCommand.PrintSummary(result, outDir);
            return CliAction.Success;
        });
        return cmd;
    }
}
