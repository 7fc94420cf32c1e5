using System.CommandLine;
using System.Globalization;
using MlNetConcepts.Studies.Explorer;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc explore --study DIR [--out FILE]</c>: writes the interactive concept explorer of a study
/// output folder (docs/EXPLORER.md): one self-contained HTML file, <c>DIR/explorer.html</c> by default.
/// </summary>
internal static class ExploreCommand
{
    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = "A study output folder (mlnc study --out, mlnc demo).", Required = true };
        var output = new Option<string?>("--out") { Description = "The HTML file to write (default DIR/explorer.html)." };
        var cmd = new Command("explore", "Write the interactive concept explorer (one self-contained HTML file) of a study folder.");
        cmd.Options.Add(study);
        cmd.Options.Add(output);
        CliAction.Set(cmd, r =>
        {
            string dir = r.GetValue(study)!;
            string path = r.GetValue(output) ?? Path.Combine(dir, ExplorerFiles.Page);
            // Plain lines on the current Console streams (progress on stderr), so pipes and redirected output get them:
            // AnsiConsole binds to the stream it first saw.
            var maps = ExplorerPage.Write(dir, path, line => Console.Error.WriteLine(line));
            foreach (var m in maps)
            {
                string t = double.IsNaN(m.Trustworthiness) ? "not measured" : m.Trustworthiness.ToString("0.000", CultureInfo.InvariantCulture);
                Console.Out.WriteLine($"{m.Layer} · {m.Sae}: {m.Concepts.Rows.Count} concepts, trustworthiness T({ExplorerMapReader.TrustworthinessK}) {t}");
            }
            Console.Out.WriteLine($"explorer written to {path}");
            return CliAction.Success;
        });
        return cmd;
    }
}
