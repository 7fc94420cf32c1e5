using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval energy</c>: energy and energy share per concept.</summary>
internal static class EvalEnergyCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × c codes (.npy).");
        var output = EvalOptions.RequiredPath("--out", "Output CSV/JSON (concept,energy,share,rank).");
        var cmd = new Command("energy", "Energy (mean code) per concept, its share, and the concepts holding 50/90/99% of it.");
        cmd.Options.Add(codes);
        cmd.Options.Add(output);
        CliAction.Set(cmd, r =>
        {
            var report = Energy.Report(EvalOptions.Matrix(r, codes));
            EvalOptions.Save(report, r.GetValue(output)!);
            Console.Out.WriteLine($"concepts holding 50% / 90% / 99% of the energy: {report.Parameters["concepts_for_50pct"]} / {report.Parameters["concepts_for_90pct"]} / {report.Parameters["concepts_for_99pct"]}");
            return CliAction.Success;
        });
        return cmd;
    }
}
