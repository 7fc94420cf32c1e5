using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval bridge</c>: top concept pairs by bridge score over aligned image–text pairs.</summary>
internal static class EvalBridgeCommand
{
    public static Command Create()
    {
        var zi = EvalOptions.RequiredPath("--image-codes", "P × c codes of the images (.npy, or CSR .npz from sae encode --sparse).");
        var zt = EvalOptions.RequiredPath("--text-codes", "P × c codes of the matching captions (.npy or CSR .npz), rows aligned.");
        var dict = EvalOptions.RequiredPath("--dictionary", "c × d dictionary, concepts as rows (.npy).");
        var top = new Option<int>("--top") { Description = "Number of pairs to report.", DefaultValueFactory = _ => 100 };
        var output = EvalOptions.RequiredPath("--out", "Output CSV/JSON (columns i,j,bridge,coactivation,cosine).");
        var cmd = new Command("bridge", "Bridge score B = E[z_img z_txt^T] ⊙ (D D^T): top co-active, aligned concept pairs.");
        var block = EvalOptions.BlockRows("block rows × 2c × 4 bytes (dense codes) + about 24 bytes per nonzero code + the dictionary");
        foreach (var o in new Option[] { zi, zt, dict, top, output, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var dictionary = EvalOptions.Matrix(r, dict);
            using var view = EvalOptions.OpenFiles(r, out var columns, zi, zt);
            var report = Bridge.TopPairs(view, columns[0], columns[1], dictionary, r.GetValue(top), EvalOptions.DefaultBlockRows(r, block, view));
            EvalOptions.Save(report, r.GetValue(output)!);
            return CliAction.Success;
        });
        return cmd;
    }
}
