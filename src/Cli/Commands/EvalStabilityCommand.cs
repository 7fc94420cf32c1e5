using MlNetConcepts.Views;
using Microsoft.ML;
using System.CommandLine;
using System.Globalization;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval stability</c>: optimal matching of two dictionaries and the mean matched cosine.</summary>
internal static class EvalStabilityCommand
{
    public static Command Create()
    {
        var dictA = EvalOptions.RequiredPath("--dict-a", "First dictionary, concepts as rows (.npy).");
        var dictB = EvalOptions.RequiredPath("--dict-b", "Second dictionary, concepts as rows (.npy).");
        var codesA = EvalOptions.OptionalPath("--codes-a", "Codes of the first run (samples × concepts, .npy or CSR .npz), for --top; streamed.");
        var codesB = EvalOptions.OptionalPath("--codes-b", "Codes of the second run, for --top; streamed.");
        var top = new Option<int?>("--top") { Description = "Also compute stability on each run's top-M concepts by energy." };
        var json = EvalOptions.Json();
        var output = EvalOptions.OptionalPath("--out", "Write the matching (concept_a,concept_b,cosine) as CSV/JSON.");
        var cmd = new Command("stability", "Hungarian-matched stability between two dictionaries (rectangular allowed).");
        var block = EvalOptions.BlockRows("block rows × concepts × 4 bytes per codes file");
        foreach (var o in new Option[] { dictA, dictB, codesA, codesB, top, json, output, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            string? pa = r.GetValue(codesA), pb = r.GetValue(codesB);
            if ((pa is null) != (pb is null) || (pa is null) != (r.GetValue(top) is null))
                throw new ConceptDataException("--codes-a, --codes-b and --top go together.");
            var da = EvalOptions.Matrix(r, dictA);
            var db = EvalOptions.Matrix(r, dictB);
            var report = Stability.CompareByEnergy(da, db, EnergyOf(r, pa, block), EnergyOf(r, pb, block), r.GetValue(top) ?? 0, pa, pb);
            if (r.GetValue(output) is string path) EvalOptions.Save(report, path);
            if (r.GetValue(json)) Console.Out.WriteLine(ReportText.Json(report));
            else
            {
                Console.Out.WriteLine($"stability: {Stability.Value(report).ToString("0.######", CultureInfo.InvariantCulture)} ({report.Table.Rows.Count} matched pairs)");
                if (report.HasParameter("stability_top_m"))
                    Console.Out.WriteLine($"stability (top {report.ParameterText("top_m")} by energy): {Stability.Value(report, topM: true).ToString("0.######", CultureInfo.InvariantCulture)}");
            }
            return CliAction.Success;
        });
        return cmd;
    }

    /// <summary>Energy per concept of a codes file, streamed (null without a file).</summary>
    private static double[]? EnergyOf(ParseResult r, string? path, Option<int?> block)
    {
        if (path is null) return null;
        using var view = new MLContext().Data.LoadFromMatrixFiles((path, path));
        return Energy.PerConcept(view, path, EvalOptions.DefaultBlockRows(r, block, view));
    }
}
