using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval ms</c> and <c>mlnc eval ms-clusters</c>: MonoSemanticity per neuron / per cluster.</summary>
internal static class EvalMsCommand
{
    public static Command CreateNeurons()
    {
        var acts = EvalOptions.RequiredPath("--activations", "N × K neuron activations or SAE codes (.npy, CSR .npz from sae encode --sparse, or an Arrow file with one float32 list column).");
        var emb = EvalOptions.RequiredPath("--embeddings", "N × e auxiliary image embeddings (.npy or Arrow), rows aligned.");
        var topN = new Option<int?>("--top-n") { Description = "Keep weights only on each neuron's N top-activating samples." };
        var output = EvalOptions.OptionalPath("--out", "Output CSV/JSON (columns neuron,ms,support,dead).");
        var summary = new Option<bool>("--summary") { Description = "Print the summary table (mean ± std, best, worst, dead, distribution)." };
        var block = EvalOptions.BlockRows("block rows × (K + e) × 8 bytes + K × e × 12 bytes (+ K × top-n × 12 bytes with --top-n)");
        var cmd = new Command("ms", "MonoSemanticity score of each SAE or raw neuron (Pach et al. 2025, exact linear form), inputs streamed.");
        foreach (var o in new Option[] { acts, emb, topN, output, summary, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            using var view = EvalOptions.OpenFiles(r, out var columns, acts, emb);
            var report = MonoSemanticityStreaming.Neurons(view, columns[0], columns[1], r.GetValue(topN), EvalOptions.Progress("ms"), r.GetValue(block));
            Finish(report, r.GetValue(output), r.GetValue(summary));
            return CliAction.Success;
        });
        return cmd;
    }

    public static Command CreateClusters()
    {
        var acts = EvalOptions.RequiredPath("--activations", "N × d clustered activations (.npy or Arrow).");
        var cents = EvalOptions.RequiredPath("--centroids", "J × d centroids (.npy).");
        var emb = EvalOptions.RequiredPath("--embeddings", "N × e auxiliary image embeddings (.npy or Arrow), rows aligned.");
        var topN = new Option<int?>("--top-n") { Description = "Keep weights only on each cluster's N closest samples." };
        var output = EvalOptions.OptionalPath("--out", "Output CSV/JSON (columns cluster,ms,support).");
        var summary = new Option<bool>("--summary") { Description = "Print the summary table." };
        var block = EvalOptions.BlockRows("block rows × (d + J + 2e) × 4 bytes + J × e × 12 bytes (+ J × top-n × 12 bytes with --top-n)");
        var cmd = new Command("ms-clusters", "MonoSemanticity score of each cluster, weights (1 + cos(a, mu))/2, inputs streamed.");
        foreach (var o in new Option[] { acts, cents, emb, topN, output, summary, block }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var centroids = EvalOptions.Matrix(r, cents);
            using var view = EvalOptions.OpenFiles(r, out var columns, acts, emb);
            var report = MonoSemanticityStreaming.Clusters(view, columns[0], centroids, columns[1], r.GetValue(topN), EvalOptions.Progress("ms-clusters"), r.GetValue(block));
            Finish(report, r.GetValue(output), r.GetValue(summary));
            return CliAction.Success;
        });
        return cmd;
    }

    private static void Finish(Reports.EvaluationReport report, string? output, bool summary)
    {
        if (output is not null) EvalOptions.Save(report, output);
        if (summary || output is null)
        {
            EvalOptions.Print(MonoSemanticitySummary.Summarize(report), json: false);
            EvalOptions.Print(MonoSemanticitySummary.Distribution(report), json: false);
        }
    }
}
