using MlNetConcepts.Views;
using Microsoft.ML;
using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval energy</c>: energy and energy share per concept.</summary>
internal static class EvalEnergyCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × c codes (.npy, or CSR .npz from sae encode --sparse).");
        var output = EvalOptions.RequiredPath("--out", "Output CSV/JSON (concept,energy,share,rank).");
        var block = EvalOptions.BlockRows("block rows × c × 4 bytes (dense codes; sparse codes: 12 bytes per stored value) + c × 8 bytes");
        var cmd = new Command("energy", "Energy (mean code) per concept, its share, and the concepts holding 50/90/99% of it; codes streamed.");
        foreach (var o in new Option[] { codes, output, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            using var view = EvalOptions.OpenFiles(r, out var columns, codes);
            var energy = Energy.PerConcept(view, columns[0], EvalOptions.DefaultBlockRows(r, block, view));
            var report = Energy.Report(energy).WithParameter("samples", view.RowCount);
            EvalOptions.Save(report, r.GetValue(output)!);
            Console.Out.WriteLine($"concepts holding 50% / 90% / 99% of the energy: {report.ParameterText("concepts_for_50pct")} / {report.ParameterText("concepts_for_90pct")} / {report.ParameterText("concepts_for_99pct")}");
            return CliAction.Success;
        });
        return cmd;
    }
}
