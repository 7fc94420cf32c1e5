using System.CommandLine;
using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Runner;
using Spectre.Console;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc study</c>: the robustness study end to end. With <c>--config</c> it reads study.json;
/// with <c>--layer</c> flags it builds the config from plain flags; with neither it runs the
/// embedded default (the multimodal synthetic benchmark).
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "study.json (paths relative to it)." };
        var layers = new Option<string[]>("--layer") { Description = "NAME=X.npy, one per layer (rows aligned).", AllowMultipleArgumentsPerToken = false };
        var embeddings = new Option<string?>("--embeddings") { Description = "Auxiliary embeddings (rows × e) for MonoSemanticity." };
        var modality = new Option<string?>("--modality") { Description = "Int .npy per row: 0 = image, 1 = text." };
        var pairs = new Option<string?>("--pairs") { Description = "Int .npy per row: aligned image–text pair id." };
        var labels = new Option<string?>("--labels") { Description = "Int .npy per row: class labels for NMI/ARI." };
        var saes = new Option<string[]>("--sae") { Description = "ARCH:EXPANSION:K, repeatable (default batchtopk:4:8)." };
        var clusters = new Option<string[]>("--clusters") { Description = "METHOD:K, repeatable (default kmeans:32 and spherical:32)." };
        var seeds = new Option<int?>("--seeds") { Description = "SAE seeds per variant (≥ 2 measures stability)." };
        var tau = new Option<double?>("--tau") { Description = "Overlap threshold τ for matches (default 0.5)." };
        var topN = new Option<int?>("--top-n") { Description = "N of the top-N MonoSemanticity and collages (default 16)." };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("out", "study") };
        var cmd = new Command("study", "Run SAEs and clustering side by side on each layer and write summary.csv and report.html.");
        foreach (var o in new Option[] { config, layers, embeddings, modality, pairs, labels, saes, clusters, seeds, tau, topN, output }) cmd.Options.Add(o);
        CliAction.Set(cmd, r =>
        {
            string outDir = r.GetValue(output)!;
            StudyConfig c;
            if (r.GetValue(config) is string path)
            {
                if (r.GetValue(layers) is { Length: > 0 }) throw new ConceptDataException("study: give either --config or --layer, not both.");
                c = StudyConfig.Load(path);
            }
            else if (r.GetValue(layers) is { Length: > 0 } layerArgs)
            {
                c = new StudyConfig
                {
                    Layers = layerArgs.Select(ParseLayer).ToList(),
                    Embeddings = r.GetValue(embeddings),
                    Modality = r.GetValue(modality),
                    Pairs = r.GetValue(pairs),
                    Labels = r.GetValue(labels),
                    Saes = (r.GetValue(saes) is { Length: > 0 } s ? s : ["batchtopk:4:8"]).Select(SaeSpec.Parse).ToList(),
                    Clusters = (r.GetValue(clusters) is { Length: > 0 } k ? k : ["kmeans:32", "spherical:32"]).Select(ClusterSpec.Parse).ToList(),
                }.ResolvePaths(Directory.GetCurrentDirectory());
            }
            else
            {
                AnsiConsole.MarkupLine("[grey]No --config or --layer given: running the embedded default (multimodal synthetic benchmark).[/]");
                c = DefaultStudy.Prepare(Path.Combine(outDir, "data"));
            }
            c = c with
            {
                Seeds = r.GetValue(seeds) ?? c.Seeds,
                Tau = r.GetValue(tau) ?? c.Tau,
                TopN = r.GetValue(topN) ?? c.TopN,
            };
            Run(c, outDir);
            return CliAction.Success;
        });
        return cmd;
    }

    /// <summary>Runs a study with progress lines and prints the summary.</summary>
    public static void Run(StudyConfig c, string outDir)
    {
        var started = DateTime.UtcNow;
        var runner = new StudyRunner(log: line => AnsiConsole.MarkupLine($"[grey]{DateTime.UtcNow - started:mm\\:ss}[/] {Markup.Escape(line)}"));
        PrintSummary(runner.Run(c, outDir), outDir);
    }

    /// <summary>Prints the columns of the summary that answer the study's question, and where the report is.</summary>
    public static void PrintSummary(StudyResult result, string outDir)
    {
        // The full table is in summary.csv; the console gets the columns that answer the question.
        var columns = result.Summary.SelectColumns("layer", "sae", "clusters", "one_to_one_matched", "distinct_features_matched", "clusters_matched", "mean_best_overlap", "ms_sae_mean", "ms_cluster_mean", "ms_raw_mean");
        ReportConsole.Print(columns, StudyResult.SummaryTitle);
        if (result.BottleneckLine() is { } line) AnsiConsole.MarkupLine(Markup.Escape(line));
        AnsiConsole.MarkupLine($"Report: [link]{Markup.Escape(Path.GetFullPath(Path.Combine(outDir, "report.html")))}[/]");
    }

    private static StudyLayer ParseLayer(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1) throw new ConceptDataException($"--layer '{text}': expected NAME=FILE.npy.");
        return new StudyLayer(text[..eq], text[(eq + 1)..]);
    }
}
