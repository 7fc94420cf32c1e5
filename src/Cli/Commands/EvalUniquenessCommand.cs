using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval uniqueness</c>: Jaccard overlap of the neurons' top sample sets.</summary>
internal static class EvalUniquenessCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × K codes (.npy, or CSR .npz from sae encode --sparse).");
        var top = new Option<int>("--top") { Description = "Samples per neuron's top set.", DefaultValueFactory = _ => 16 };
        var json = EvalOptions.Json();
        var output = EvalOptions.OptionalPath("--out", "Write the per-neuron report (CSV/JSON).");
        var cmd = new Command("uniqueness", "Jaccard of top-N sample sets between neurons: pairs with J > 0 and J > 0.5.");
        var block = EvalOptions.BlockRows("block rows × K × 4 bytes + K × top × 12 bytes");
        foreach (var o in new Option[] { codes, top, json, output, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            using var view = EvalOptions.OpenFiles(r, out var columns, codes);
            var report = Uniqueness.Report(view, columns[0], r.GetValue(top), EvalOptions.DefaultBlockRows(r, block, view));
            if (r.GetValue(output) is string path) EvalOptions.Save(report, path);
            if (r.GetValue(json)) Console.Out.WriteLine(ReportText.Json(report));
            else
            {
                Console.Out.WriteLine($"neurons with samples: {report.ParameterText("neurons_with_samples")} of {report.Table.Rows.Count}");
                Console.Out.WriteLine($"pairs with Jaccard > 0: {report.ParameterText("pairs_jaccard_positive")}");
                Console.Out.WriteLine($"pairs with Jaccard > 0.5: {report.ParameterText("pairs_jaccard_over_half")}");
            }
            return CliAction.Success;
        });
        return cmd;
    }
}
