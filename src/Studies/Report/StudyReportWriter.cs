using System.Globalization;
using Microsoft.Data.Analysis;
using MlNetConcepts.Imaging;
using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Studies.Report;

/// <summary>
/// Writes <c>report.html</c> for a study: the layer-wise summary (charts and table), then per layer
/// the MonoSemanticity distributions of SAE features, clusters and raw neurons, the overlap heat
/// map of the top pairs, the matched pairs with collages of their core representatives, energy
/// and stability, modality histograms and top bridge pairs, and the ground-truth scores of a
/// synthetic benchmark.
/// </summary>
public static class StudyReportWriter
{
    private static string F(double v) => double.IsNaN(v) ? "NaN" : v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the report and returns the relative paths it links to; <paramref name="notes"/> are paragraphs shown under
    /// the title, <paramref name="sections"/> appends extra sections at the end.
    /// </summary>
    public static IReadOnlyList<string> Write(StudyResult result, DataFrame summary, string outputDirectory, StudyConfig config,
        IReadOnlyList<string>? notes = null, Action<HtmlReport>? sections = null)
    {
        var html = new HtmlReport("Concept robustness study: SAEs and clustering side by side");
        foreach (var note in notes ?? []) html.Paragraph(note);
        html.Paragraph($"{result.Layers.Count} layer(s). SAEs: {string.Join(", ", config.Saes.Select(s => s.ToString()))}. " +
                       $"Clusterers: {string.Join(", ", config.Clusters.Select(c => c.ToString()))}. τ = {F(config.Tau)}, top-N = {config.TopN}, seeds = {config.Seeds}.");
        html.Raw($"<p class=\"note\">Resolved config: {html.Link("config.json", "config.json")} · summary: {html.Link("summary.csv", "summary.csv")} · {html.Link("summary.json", "summary.json")} · interactive concept map: {html.Link(Explorer.ExplorerFiles.Page, Explorer.ExplorerFiles.Page)}</p>");
        html.Paragraph("Hypothesis (Bíla et al. 2025): concepts found by both methods are intrinsic to the model; concepts found by one method only may be artifacts of that method.", note: true);

        html.Heading("Layer-wise agreement");
        var layerNames = result.Layers.Select(l => l.Layer).ToList();
        if (result.Layers.All(l => l.Comparisons.Count > 0))
        {
            html.Raw(SvgChart.Bars("One-to-one agreement (first SAE × first clusterer): clusters with their own feature at O ≥ τ, and mean matched overlap", layerNames,
            [
                ("clusters matched one-to-one", result.Layers.Select(l => l.Comparisons[0].OneToOneMatched).ToArray()),
                ("mean one-to-one overlap", result.Layers.Select(l => l.Comparisons[0].OneToOneMeanOverlap).ToArray()),
            ], yMax: 1));
        }
        var msMeans = new List<(string, double[])>
        {
            ("SAE features", result.Layers.Select(l => Mean(l.Saes.FirstOrDefault()?.Ms)).ToArray()),
            ("clusters", result.Layers.Select(l => Mean(l.Clusters.FirstOrDefault()?.Ms)).ToArray()),
            ("raw neurons", result.Layers.Select(l => Mean(l.RawMs)).ToArray()),
        };
        if (msMeans.Any(s => s.Item2.Any(double.IsFinite))) html.Raw(SvgChart.Bars("Mean MonoSemanticity per layer", layerNames, msMeans));
        html.Table(summary, StudyResult.SummaryTitle, 50, "summary.csv", "summary.json");
        if (result.Bottleneck is { } bottleneck) WriteBottleneck(html, bottleneck, result.BottleneckLine()!);

        foreach (var layer in result.Layers)
        {
            var spec = config.Layers.FirstOrDefault(l => l.Name == layer.Layer);
            var images = spec is null ? null : StudyImageSource.Open(config.MetadataFor(spec).Images);
            WriteLayer(html, layer, images, config);
        }
        sections?.Invoke(html);
        html.Save(Path.Combine(outputDirectory, "report.html"));
        return html.Links;
    }

    /// <summary>
    /// The comparison's headline, built on the one-to-one matching (each feature may stand for one
    /// cluster only), so a few broad features cannot make every cluster look matched.
    /// </summary>
    public static string Headline(ComparisonResult c, double tau)
    {
        return $"One-to-one: {c.OneToOneMatches} cluster(s) ({F(c.OneToOneMatched * 100)}%) have their own SAE feature at O ≥ {F(tau)} " +
               $"(mean overlap of the one-to-one pairs {F(c.OneToOneMeanOverlap)}); the many-to-many matches use {c.DistinctFeaturesMatched} distinct feature(s).";
    }

    private static void WriteBottleneck(HtmlReport html, EvaluationReport bottleneck, string line)
    {
        html.Heading("Concept bottleneck");
        html.Paragraph(line);
        html.Paragraph($"A multinomial logistic regression (ML.NET's L-BFGS maximum entropy, L2 = 1) classifies the labels from the raw activations, from all SAE codes, " +
                       $"and from the top-m concepts only, ranked by {bottleneck.ParameterText("selection")}; {bottleneck.ParameterText("train_rows")} training and " +
                       $"{bottleneck.ParameterText("test_rows")} test rows from one seeded split (subsampled to keep the stage fast).", note: true);
        var t = bottleneck.Table;
        var (kind, m, acc) = (t.Strings("features"), t.Int32s("m"), t.Doubles("accuracy"));
        var top = Enumerable.Range(0, kind.Length).Where(i => kind[i] == "top_m").ToArray();
        if (top.Length > 0)
        {
            double Of(string k) => acc[Array.IndexOf(kind, k)];
            html.Raw(SvgChart.Lines("Test accuracy from the top-m concepts (flat lines: raw activations, all SAE codes)", top.Select(i => Math.Log2(m[i])).ToArray(),
            [
                ("top-m concepts", top.Select(i => acc[i]).ToArray()),
                ("all SAE codes", top.Select(_ => Of("all_codes")).ToArray()),
                ("raw activations", top.Select(_ => Of("raw")).ToArray()),
            ], "log2 m"));
        }
        html.Table(t, bottleneck.Title, 20, "bottleneck.csv");
    }

    private static double Mean(double[]? v) => v is null ? double.NaN : Statistics.Summarize(v).Mean;

    private static void WriteLayer(HtmlReport html, LayerResult layer, StudyImageSource? images, StudyConfig config)
    {
        string dir = layer.Layer;
        var frames = StudyTables.LayerFrames(layer);
        string Csv(string file) => $"{dir}/{file}";
        html.Heading($"Layer {layer.Layer}");
        var source = config.Layers.FirstOrDefault(l => l.Name == layer.Layer)?.Path ?? "";
        html.Paragraph($"{layer.Rows} rows × {layer.Width} dimensions, from {source}.", note: true);

        // MonoSemanticity distributions.
        var ms = new List<(string, double[])>();
        foreach (var s in layer.Saes) if (s.Ms is not null) ms.Add(($"{s.Name}", s.Ms));
        foreach (var c in layer.Clusters) if (c.Ms is not null) ms.Add(($"{c.Name}", c.Ms));
        if (layer.RawMs is not null) ms.Add(("raw neurons", layer.RawMs));
        if (ms.Count > 0)
        {
            var all = ms.SelectMany(s => s.Item2).Where(double.IsFinite).ToArray();
            double lo = Math.Min(0, all.DefaultIfEmpty(0).Min()), hi = Math.Max(1e-6, all.DefaultIfEmpty(1).Max());
            html.Raw(SvgChart.Histograms("MonoSemanticity distribution (fraction of concepts)", ms, lo, hi));
        }

        html.Table(frames["saes.csv"].Table, frames["saes.csv"].Title, 20, Csv("saes.csv"));
        html.Table(frames["clusterers.csv"].Table, frames["clusterers.csv"].Title, 20, Csv("clusterers.csv"));

        foreach (var c in layer.Comparisons)
        {
            html.Heading($"{c.Sae} × {c.Clusters}", 3);
            html.Paragraph(Headline(c, config.Tau));
            html.Paragraph($"Many-to-many (every pair at O ≥ {F(config.Tau)}): {F(c.ClustersMatched * 100)}% of clusters and {F(c.FeaturesMatched * 100)}% of live SAE features have a match, " +
                           $"using {c.DistinctFeaturesMatched} distinct feature(s); mean best overlap {F(c.MeanBestOverlap)}. Found by one method only: {c.ClustersOnly.Length} clusters, {c.FeaturesOnly.Length} features.", note: true);
            if (c.HeatClusters.Length > 0 && c.HeatFeatures.Length > 0)
            {
                var heat = new double[c.HeatClusters.Length, c.HeatFeatures.Length];
                for (int i = 0; i < c.HeatClusters.Length; i++)
                    for (int j = 0; j < c.HeatFeatures.Length; j++) heat[i, j] = c.Heat[i * c.HeatFeatures.Length + j];
                html.Raw(SvgChart.HeatMap("Overlap of the top pairs", heat, c.HeatClusters.Select(j => $"cluster {j}").ToList(), c.HeatFeatures.Select(k => $"feature {k}").ToList()));
            }
            var oneFile = $"one_to_one_{c.Sae}__{c.Clusters}.csv";
            html.Table(frames[oneFile].Table, frames[oneFile].Title, 15, Csv(oneFile));
            var matchFile = frames.First(f => f.Value.Title == $"matches {c.Sae} × {c.Clusters}").Key;
            html.Table(frames[matchFile].Table, frames[matchFile].Title, 15, Csv(matchFile));
            html.Raw($"<p class=\"note\">Concepts found by one method only: {html.Link(Csv($"found_by_one_{c.Sae}__{c.Clusters}.csv"), "CSV")}</p>");
            if (images is not null && c.CoreRows.Count > 0)
            {
                html.Paragraph("Core representatives of the best matched pairs (samples with the largest c̃·ã, Bíla et al. 2025, §4):", note: true);
                html.BeginGrid();
                for (int p = 0; p < c.CoreRows.Count; p++)
                {
                    var pics = c.CoreRows[p].Select(images.ForRow).OfType<PixelImage>().ToList();
                    if (pics.Count == 0) continue;
                    var m = c.Matches[p];
                    html.Image(Collage.Build(pics, cell: 48, columns: 4, gap: 2), $"cluster {m.Cluster} × feature {m.Feature} (O = {F(m.Overlap)})");
                }
                html.EndGrid();
            }
        }

        foreach (var s in layer.Saes)
        {
            html.Heading($"{s.Name}: energy, stability, modality", 3);
            var sorted = s.Energy.OrderByDescending(e => e).ToArray();
            double total = sorted.Sum();
            if (total > 0)
            {
                var cumulative = new double[sorted.Length];
                double run = 0;
                for (int i = 0; i < sorted.Length; i++) { run += sorted[i]; cumulative[i] = run / total; }
                html.Raw(SvgChart.Lines("Cumulative energy share by concept rank", Enumerable.Range(1, sorted.Length).Select(i => (double)i).ToArray(),
                    [("energy share", cumulative)], "concepts (by energy)"));
            }
            if (s.StabilityCurve.Length > 1)
                html.Raw(SvgChart.Lines("Stability of the top-M concepts by energy (seeds 0 and 1)", s.StabilityCurveM.Select(m => Math.Log2(m)).ToArray(),
                    [("mean matched cosine", s.StabilityCurve)], "log2 M (M = concepts kept, by energy)"));
            if (s.Stability.Length > 0)
                html.Paragraph($"Stability across seeds (mean matched decoder cosine, Papadimitriou et al. 2025, eq. 4): all concepts {string.Join(", ", s.Stability.Select(F))}; top-{config.StabilityTopM} by energy {string.Join(", ", s.StabilityTopM.Select(F))}.");
            if (s.Modality is not null)
            {
                var live = s.Modality.Where(double.IsFinite).ToArray();
                html.Raw(SvgChart.Histograms("Modality score (0 = text, 1 = image)", [("concepts", s.Modality)], 0, 1, 10));
                var weighted = new List<double>();
                for (int k = 0; k < s.Modality.Length; k++)
                    if (double.IsFinite(s.Modality[k]) && total > 0)
                        for (int w = 0; w < (int)Math.Round(100 * s.Energy[k] / total); w++) weighted.Add(s.Modality[k]);
                if (weighted.Count > 0) html.Raw(SvgChart.Histograms("Modality score weighted by energy", [("energy", weighted.ToArray())], 0, 1, 10));
                html.Paragraph($"{live.Count(v => v >= 0.9)} image-dominant (≥ 0.9), {live.Count(v => v <= 0.1)} text-dominant (≤ 0.1), {live.Count(v => v is > 0.1 and < 0.9)} multimodal concepts.", note: true);
            }
            var featureFile = $"features_{s.Name}.csv";
            html.Table(frames[featureFile].Table.OrderByDescending("energy"), frames[featureFile].Title, 10, Csv(featureFile));
            if (frames.TryGetValue($"bridge_{s.Name}.csv", out var bridge)) html.Table(bridge.Table, bridge.Title, 15, Csv($"bridge_{s.Name}.csv"));
        }

        if (layer.GroundTruth is { } g)
        {
            html.Heading("Ground truth (synthetic benchmark)", 3);
            html.Paragraph($"Planted concepts: {g.Planted}. SAE recovery (decoder row at cosine ≥ 0.9): {F(g.SaeRecovery * 100)}% (MMCS {F(g.SaeMmcs)}). " +
                           $"Clustering recovery (centroid at cosine ≥ 0.9): {F(g.ClusterRecovery * 100)}% (MMCS {F(g.ClusterMmcs)}).");
            html.Paragraph($"Modality scores of atoms matched to image-only concepts: min {F(g.ImageConceptModality.DefaultIfEmpty(double.NaN).Min())}; " +
                           $"text-only: max {F(g.TextConceptModality.DefaultIfEmpty(double.NaN).Max())}; shared: mean {F(g.SharedConceptModality.DefaultIfEmpty(double.NaN).Average())}. " +
                           $"Planted bridges among the top {2 * g.Bridges} bridge pairs: {F(g.BridgeRecall * 100)}%.");
            html.Table(frames["ground_truth.csv"].Table, frames["ground_truth.csv"].Title, 10, Csv("ground_truth.csv"));
        }
    }
}
