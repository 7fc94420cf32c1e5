using System.CommandLine;
using MlNetConcepts.Studies.Runner;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc demo</c>: the quickstart behind <c>./run.sh demo</c>. Runs the most complete job the
/// project has: today the default robustness study on the embedded multimodal synthetic benchmark.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("out", "quickstart") };
        var cmd = new Command("demo", "Run the quickstart: the default study on the embedded synthetic benchmark, with an HTML report.");
        cmd.Options.Add(output);
        CliAction.Set(cmd, r =>
        {
            string outDir = r.GetValue(output)!;
            AnsiConsole.MarkupLine("[bold]MlNetConcepts quickstart[/]: SAEs and clustering side by side on the multimodal synthetic benchmark.");
            StudyCommand.Run(DefaultStudy.Prepare(Path.Combine(outDir, "data")), outDir);
            return CliAction.Success;
        });
        return cmd;
    }
}
