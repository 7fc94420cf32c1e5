using System.CommandLine;
using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Cli;

/// <summary><c>mlnc eval ms</c> and <c>mlnc eval ms-clusters</c>: MonoSemanticity per neuron / per cluster.</summary>
internal static class EvalMsCommand
{
    public static Command CreateNeurons()
    {
        var acts = EvalOptions.RequiredPath("--activations", "N × K neuron activations (.npy).");
        var emb = EvalOptions.RequiredPath("--embeddings", "N × e auxiliary image embeddings (.npy), rows aligned.");
        var topN = new Option<int?>("--top-n") { Description = "Keep weights only on each neuron's N top-activating samples." };
        var output = EvalOptions.OptionalPath("--out", "Output CSV/JSON (columns neuron,ms,support,dead).");
        var summary = new Option<bool>("--summary") { Description = "Print the summary table (mean ± std, best, worst, dead, distribution)." };
        var cmd = new Command("ms", "MonoSemanticity score of each SAE or raw neuron (Pach et al. 2025, exact linear form).");
        foreach (var o in new Option[] { acts, emb, topN, output, summary }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var a = EvalOptions.Matrix(r, acts);
            var e = EvalOptions.Matrix(r, emb);
            var report = MonoSemanticity.Neurons(a, e, r.GetValue(topN), EvalOptions.Progress("ms"));
            Finish(report, r.GetValue(output), r.GetValue(summary));
            return CliAction.Success;
        });
        return cmd;
    }

    public static Command CreateClusters()
    {
        var acts = EvalOptions.RequiredPath("--activations", "N × d clustered activations (.npy).");
        var cents = EvalOptions.RequiredPath("--centroids", "J × d centroids (.npy).");
        var emb = EvalOptions.RequiredPath("--embeddings", "N × e auxiliary image embeddings (.npy), rows aligned.");
        var topN = new Option<int?>("--top-n") { Description = "Keep weights only on each cluster's N closest samples." };
        var output = EvalOptions.OptionalPath("--out", "Output CSV/JSON (columns cluster,ms,support).");
        var summary = new Option<bool>("--summary") { Description = "Print the summary table." };
        var cmd = new Command("ms-clusters", "MonoSemanticity score of each cluster, weights (1 + cos(a, mu))/2.");
        foreach (var o in new Option[] { acts, cents, emb, topN, output, summary }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            var report = MonoSemanticity.Clusters(EvalOptions.Matrix(r, acts), EvalOptions.Matrix(r, cents), EvalOptions.Matrix(r, emb), r.GetValue(topN), EvalOptions.Progress("ms-clusters"));
            Finish(report, r.GetValue(output), r.GetValue(summary));
            return CliAction.Success;
        });
        return cmd;
    }

    private static void Finish(Reports.ReportFrame report, string? output, bool summary)
    {
        if (output is not null) EvalOptions.Save(report, output);
        if (summary || output is null)
        {
            EvalOptions.Print(MonoSemanticitySummary.Summarize(report), json: false);
            EvalOptions.Print(MonoSemanticitySummary.Distribution(report), json: false);
        }
    }
}
