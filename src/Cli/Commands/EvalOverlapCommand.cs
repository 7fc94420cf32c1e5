using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc eval overlap</c>: cluster–feature overlap matrix (Bíla et al. 2025, eq. 1, optionally
/// centred), the matches above τ, and the one-to-one matching. Float32 <c>.npy</c> inputs are
/// memory-mapped and read in blocks, so their size is not limited by memory; sparse codes
/// (<c>.npz</c> from <c>sae encode --sparse</c>) cost O(nnz·J).
/// </summary>
internal static class EvalOverlapCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × K SAE codes: dense .npy, or sparse .npz as 'sae encode --sparse' writes it.");
        var acts = EvalOptions.RequiredPath("--activations", "N × d clustered activations (.npy), rows aligned.");
        var cents = EvalOptions.RequiredPath("--centroids", "J × d centroids (.npy).");
        var tau = new Option<double>("--tau") { Description = "Match threshold: pairs with overlap ≥ tau.", DefaultValueFactory = _ => 0.5 };
        var centred = new Option<bool>("--centred") { Description = "Centred overlap: subtract each profile's mean over samples first (Pearson correlation), so features that fire on most samples stop matching every cluster." };
        var blockRows = new Option<int?>("--block-rows") { Description = "Rows read per block (memory use grows with it; default about 64 MB of float32 per block)." };
        var jsd = new Option<bool>("--jsd") { Description = "Add the Jensen–Shannon divergence (bits) of each match, and write jsd.csv (all pairs when J·K·N is small, else the top candidates). Reads codes and activations into memory." };
        var candidates = new Option<int?>("--jsd-candidates") { Description = "With --jsd: score each cluster's M highest-overlap features in jsd.csv instead of all pairs." };
        var output = EvalOptions.RequiredPath("--out", "Output directory (overlap.npy, matches.csv, one_to_one.csv).");
        var cmd = new Command("overlap", "Overlap between clusters and SAE features (all J×K pairs), the matches above tau and the one-to-one matching.");
        foreach (var o in new Option[] { codes, acts, cents, tau, centred, blockRows, jsd, candidates, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            double t = r.GetValue(tau);
            if (!double.IsFinite(t)) throw new ConceptDataException($"--tau must be a finite number, got {t}.");
            if (r.GetValue(blockRows) is int b && b < 1) throw new ConceptDataException($"--block-rows must be at least 1, got {b}.");
            var options = new OverlapOptions { Centred = r.GetValue(centred), BlockRows = r.GetValue(blockRows) };
            string codesPath = r.GetValue(codes)!, actsPath = r.GetValue(acts)!;
            bool sparse = codesPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);
            if (r.GetValue(jsd) && sparse) throw new ConceptDataException($"--jsd needs dense codes (.npy), but {codesPath} holds sparse codes.");
            var c = EvalOptions.Matrix(r, cents);
            var dir = r.GetValue(output)!;
            OverlapReport overlap;
            DenseMatrix? z = null, x = null;
            if (r.GetValue(jsd))
            {
                z = DenseMatrix.ReadNpy(codesPath);
                x = DenseMatrix.ReadNpy(actsPath);
                overlap = Overlap.Compute(z, x, c, options);
            }
            else
            {
                using var actsBlocks = BlockInput.Open(actsPath);
                if (sparse) overlap = Overlap.Compute(SparseRows.ReadNpz(codesPath), actsBlocks.Blocks, c, options);
                else
                {
                    using var codeBlocks = BlockInput.Open(codesPath);
                    overlap = Overlap.Compute(codeBlocks.Blocks, actsBlocks.Blocks, c, options);
                }
            }
            var matches = overlap.Matches(t);
            if (r.GetValue(jsd))
            {
                var pairs = Enumerable.Range(0, matches.Rows).Select(i => (matches.Int32s("cluster")[i], matches.Int32s("feature")[i])).ToList();
                matches.Add("jsd", JensenShannon.ForPairs(z!, x!, c, overlap, pairs).Doubles("jsd"));
            }
            var summary = OverlapMatching.Summarize(overlap, t);
            Directory.CreateDirectory(dir);
            if (r.GetValue(jsd)) EvalOptions.Save(JensenShannon.Pairs(z!, x!, c, overlap, r.GetValue(candidates)), Path.Combine(dir, "jsd.csv"));
            NpyFile.WriteMatrix(Path.Combine(dir, "overlap.npy"), overlap.ToFloat32(), overlap.Clusters, overlap.Features);
            EvalOptions.Save(matches, Path.Combine(dir, "matches.csv"));
            EvalOptions.Save(overlap.OneToOne(t), Path.Combine(dir, "one_to_one.csv"));
            string kind = options.Centred ? "centred overlap" : "overlap";
            Console.Out.WriteLine($"one-to-one: {summary.Matched} of {overlap.Clusters} clusters ({summary.ClusterFraction * 100:0.#}%) have their own feature at {kind} >= {t} " +
                                  $"(mean one-to-one {kind} {summary.MeanOverlap:0.###})");
            Console.Out.WriteLine($"many-to-many: {matches.Rows} pairs at {kind} >= {t} among {overlap.Clusters} x {overlap.Features}, covering {overlap.ClustersMatched(t)} clusters with {summary.DistinctFeaturesMatched} distinct features");
            return CliAction.Success;
        });
        return cmd;
    }
}
