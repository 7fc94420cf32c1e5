using System.CommandLine;
using System.Globalization;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval stability</c>: optimal matching of two dictionaries and the mean matched cosine.</summary>
internal static class EvalStabilityCommand
{
    public static Command Create()
    {
        var dictA = EvalOptions.RequiredPath("--dict-a", "First dictionary, concepts as rows (.npy).");
        var dictB = EvalOptions.RequiredPath("--dict-b", "Second dictionary, concepts as rows (.npy).");
        var codesA = EvalOptions.OptionalPath("--codes-a", "Codes of the first run (samples × concepts), for --top.");
        var codesB = EvalOptions.OptionalPath("--codes-b", "Codes of the second run, for --top.");
        var top = new Option<int?>("--top") { Description = "Also compute stability on each run's top-M concepts by energy." };
        var json = EvalOptions.Json();
        var output = EvalOptions.OptionalPath("--out", "Write the matching (concept_a,concept_b,cosine) as CSV/JSON.");
        var cmd = new Command("stability", "Hungarian-matched stability between two dictionaries (rectangular allowed).");
        foreach (var o in new Option[] { dictA, dictB, codesA, codesB, top, json, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var za = EvalOptions.OptionalMatrix(r, codesA);
            var zb = EvalOptions.OptionalMatrix(r, codesB);
            if ((za is null) != (zb is null) || (za is null) != (r.GetValue(top) is null))
                throw new ConceptDataException("--codes-a, --codes-b and --top go together.");
            var report = Stability.Compare(EvalOptions.Matrix(r, dictA), EvalOptions.Matrix(r, dictB), za, zb, r.GetValue(top) ?? 0);
            if (r.GetValue(output) is string path) EvalOptions.Save(report, path);
            if (r.GetValue(json)) Console.Out.WriteLine(report.ToJson());
            else
            {
                Console.Out.WriteLine($"stability: {Stability.Value(report).ToString("0.######", CultureInfo.InvariantCulture)} ({report.Rows} matched pairs)");
                if (report.Parameters.ContainsKey("stability_top_m"))
                    Console.Out.WriteLine($"stability (top {report.Parameters["top_m"]} by energy): {Stability.Value(report, topM: true).ToString("0.######", CultureInfo.InvariantCulture)}");
            }
            return CliAction.Success;
        });
        return cmd;
    }
}
