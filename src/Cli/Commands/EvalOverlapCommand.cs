using System.CommandLine;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc eval overlap</c>: cluster–feature overlap matrix (Bíla et al. 2025, eq. 1, optionally
/// centred), the matches above τ, and the one-to-one matching. Inputs are read in blocks, so
/// their size is not limited by memory; sparse codes (<c>.npz</c> from <c>sae encode --sparse</c>
/// or scipy) cost O(nnz·J). Outputs appear together or not at all.
/// </summary>
internal static class EvalOverlapCommand
{
    public static Command Create()
    {
        var codes = EvalOptions.RequiredPath("--codes", "N × K SAE codes: .npy, or CSR .npz from sae encode --sparse.");
        var acts = EvalOptions.RequiredPath("--activations", "N × d clustered activations (.npy), rows aligned.");
        var cents = EvalOptions.RequiredPath("--centroids", "J × d centroids (.npy).");
        var tau = new Option<double>("--tau") { Description = "Match threshold: pairs with overlap ≥ tau.", DefaultValueFactory = _ => 0.5 };
        var centred = new Option<bool>("--centred") { Description = "Centred overlap: subtract each profile's mean over samples first (Pearson correlation), so features that fire on most samples stop matching every cluster." };
        var block = EvalOptions.BlockRows("block rows × (d + 2J) × 4 bytes (+ K × 4 bytes for dense codes that are not memory-mapped) + (J + 3) × K × 8 bytes; sparse codes: 8 bytes per stored value of a block");
        var jsd = new Option<bool>("--jsd") { Description = "Add the Jensen–Shannon divergence (bits) of each match, and write jsd.csv (all pairs when J·K·N is small, else the top candidates). Reads dense codes and activations into memory." };
        var candidates = new Option<int?>("--jsd-candidates") { Description = "With --jsd: score each cluster's M highest-overlap features in jsd.csv instead of all pairs." };
        var output = EvalOptions.RequiredPath("--out", "Output directory (overlap.npy, matches.csv, one_to_one.csv).");
        var cmd = new Command("overlap", "Overlap between clusters and SAE features (all J×K pairs), the matches above tau and the one-to-one matching; inputs streamed.");
        foreach (var o in new Option[] { codes, acts, cents, tau, centred, block, jsd, candidates, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            double t = r.GetValue(tau);
            if (!double.IsFinite(t)) throw new ConceptDataException($"--tau must be a finite number, got {t}.");
            if (r.GetValue(block) is int b && b < 1) throw new ConceptDataException($"--block-rows must be at least 1, got {b}.");
            var options = new OverlapOptions { Centred = r.GetValue(centred), BlockRows = r.GetValue(block) };
            string codesPath = r.GetValue(codes)!, actsPath = r.GetValue(acts)!;
            var c = EvalOptions.Matrix(r, cents);
            OverlapReport overlap;
            DenseMatrix? z = null, x = null;
            if (r.GetValue(jsd))
            {
                if (ArrayFiles.DetectFormat(codesPath) == ArrayFileFormat.Npz) throw new ConceptDataException($"--jsd needs dense codes (.npy), but {codesPath} holds sparse codes.");
                z = DenseMatrix.ReadNpy(codesPath);
                x = DenseMatrix.ReadNpy(actsPath);
                overlap = Overlap.Compute(z, x, c, options);
            }
            else
            {
                // One pass over both files, memory-mapped (.npy) or CSR (.npz), a block of rows at a time.
                using var view = EvalOptions.OpenFiles(r, out var columns, codes, acts);
                overlap = Overlap.Compute(view, columns[0], columns[1], c, options);
            }
            var matches = overlap.Matches(t);
            if (r.GetValue(jsd))
            {
                var (clusters, features) = (matches.Table.Int32s("cluster"), matches.Table.Int32s("feature"));
                var pairs = clusters.Zip(features).ToList();
                matches.Add("jsd", JensenShannon.ForPairs(z!, x!, c, overlap, pairs).Table.Doubles("jsd"));
            }
            var summary = OverlapMatching.Summarize(overlap, t);
            var oneToOne = overlap.OneToOne(t);
            var dir = r.GetValue(output)!;
            using (var folder = OutputFolder.Begin(dir))
            {
                if (r.GetValue(jsd)) ReportText.SaveCsv(JensenShannon.Pairs(z!, x!, c, overlap, r.GetValue(candidates)).Table, folder.File("jsd.csv"));
                NpyFile.WriteMatrix(folder.File("overlap.npy"), overlap.ToFloat32(), overlap.Clusters, overlap.Features);
                ReportText.SaveCsv(matches.Table, folder.File("matches.csv"));
                ReportText.SaveCsv(oneToOne.Table, folder.File("one_to_one.csv"));
                folder.Commit();
            }
            Console.Error.WriteLine($"wrote overlap.npy, matches.csv ({matches.Table.Rows.Count} rows), one_to_one.csv ({oneToOne.Table.Rows.Count} rows){(r.GetValue(jsd) ? " and jsd.csv" : "")} to {dir}");
            string kind = options.Centred ? "centred overlap" : "overlap";
            Console.Out.WriteLine($"one-to-one: {summary.Matched} of {overlap.Clusters} clusters ({summary.ClusterFraction * 100:0.#}%) have their own feature at {kind} >= {t} " +
                                  $"(mean one-to-one {kind} {summary.MeanOverlap:0.###})");
            Console.Out.WriteLine($"many-to-many: {matches.Table.Rows.Count} pairs at {kind} >= {t} among {overlap.Clusters} x {overlap.Features}, covering {overlap.ClustersMatched(t)} clusters with {summary.DistinctFeaturesMatched} distinct features");
            return CliAction.Success;
        });
        return cmd;
    }
}
