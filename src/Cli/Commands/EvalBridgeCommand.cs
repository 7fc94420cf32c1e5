using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval bridge</c>: top concept pairs by bridge score over aligned image–text pairs.</summary>
internal static class EvalBridgeCommand
{
    public static Command Create()
    {
        var zi = EvalOptions.RequiredPath("--image-codes", "P × c codes of the images (.npy).");
        var zt = EvalOptions.RequiredPath("--text-codes", "P × c codes of the matching captions (.npy), rows aligned.");
        var dict = EvalOptions.RequiredPath("--dictionary", "c × d dictionary, concepts as rows (.npy).");
        var top = new Option<int>("--top") { Description = "Number of pairs to report.", DefaultValueFactory = _ => 100 };
        var output = EvalOptions.RequiredPath("--out", "Output CSV/JSON (columns i,j,bridge,coactivation,cosine).");
        var cmd = new Command("bridge", "Bridge score B = E[z_img z_txt^T] ⊙ (D D^T): top co-active, aligned concept pairs.");
        foreach (var o in new Option[] { zi, zt, dict, top, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var report = Bridge.TopPairs(EvalOptions.Matrix(r, zi), EvalOptions.Matrix(r, zt), EvalOptions.Matrix(r, dict), r.GetValue(top));
            EvalOptions.Save(report, r.GetValue(output)!);
            return CliAction.Success;
        });
        return cmd;
    }
}
