using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval overlap</c>: cluster–feature overlap matrix and matches above τ.</summary>
internal static class EvalOverlapCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × K SAE codes (.npy).");
        var acts = EvalOptions.RequiredPath("--activations", "N × d clustered activations (.npy), rows aligned.");
        var cents = EvalOptions.RequiredPath("--centroids", "J × d centroids (.npy).");
        var tau = new Option<double>("--tau") { Description = "Match threshold: pairs with overlap ≥ tau.", DefaultValueFactory = _ => 0.5 };
        var jsd = new Option<bool>("--jsd") { Description = "Add the Jensen–Shannon divergence (bits) of each match, and write jsd.csv (all pairs when J·K·N is small, else the top candidates)." };
        var candidates = new Option<int?>("--jsd-candidates") { Description = "With --jsd: score each cluster's M highest-overlap features in jsd.csv instead of all pairs." };
        var output = EvalOptions.RequiredPath("--out", "Output directory (overlap.npy, matches.csv).");
        var cmd = new Command("overlap", "Overlap between clusters and SAE features (all J×K pairs) and the matches above tau.");
        foreach (var o in new Option[] { codes, acts, cents, tau, jsd, candidates, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var z = EvalOptions.Matrix(r, codes);
            var x = EvalOptions.Matrix(r, acts);
            var c = EvalOptions.Matrix(r, cents);
            double t = r.GetValue(tau);
            if (!double.IsFinite(t)) throw new ConceptDataException($"--tau must be a finite number, got {t}.");
            var overlap = Overlap.Compute(z, x, c);
            var matches = overlap.Matches(t);
            if (r.GetValue(jsd))
            {
                var pairs = Enumerable.Range(0, matches.Rows).Select(i => (matches.Int32s("cluster")[i], matches.Int32s("feature")[i])).ToList();
                var j = JensenShannon.ForPairs(z, x, c, overlap, pairs);
                matches.Add("jsd", j.Doubles("jsd"));
            }
            var dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            if (r.GetValue(jsd)) EvalOptions.Save(JensenShannon.Pairs(z, x, c, overlap, r.GetValue(candidates)), Path.Combine(dir, "jsd.csv"));
            NpyFile.WriteMatrix(Path.Combine(dir, "overlap.npy"), overlap.ToFloat32(), overlap.Clusters, overlap.Features);
            EvalOptions.Save(matches, Path.Combine(dir, "matches.csv"));
            Console.Out.WriteLine($"{matches.Rows} matches with overlap >= {t} among {overlap.Clusters} x {overlap.Features} pairs");
            return CliAction.Success;
        });
        return cmd;
    }
}
