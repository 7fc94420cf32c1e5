using Microsoft.Data.Analysis;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Studies.Runner;

/// <summary>The study's tables: the layer-wise summary and each layer's CSV files.</summary>
internal static class StudyTables
{
    private static double Mean(double[]? v) => v is null ? double.NaN : Statistics.Summarize(v).Mean;

    /// <summary>
    /// One row per layer and SAE × clusterer pair answering Bíla et al. (2025)'s question: the
    /// fraction of clusters with their own SAE feature at O ≥ τ under the one-to-one matching and
    /// its mean overlap (the headline), the distinct features among the many-to-many matches,
    /// how many clusters have a matching feature (O ≥ τ) and vice versa, the mean best overlap,
    /// and the mean MonoSemanticity of SAE features, clusters and raw neurons.
    /// </summary>
    public static DataFrame Summary(IReadOnlyList<LayerResult> layers)
    {
        var rows = layers.SelectMany(l => l.Comparisons.Select(c => (l, c))).ToList();
        SaeResult Sae(LayerResult l, ComparisonResult c) => l.Saes.First(s => s.Name == c.Sae);
        ClusterResult Cl(LayerResult l, ComparisonResult c) => l.Clusters.First(s => s.Name == c.Clusters);
        return new EvaluationReport(StudyResult.SummaryTitle)
            .Add("layer", rows.Select(r => r.l.Layer).ToArray())
            .Add("sae", rows.Select(r => r.c.Sae).ToArray())
            .Add("clusters", rows.Select(r => r.c.Clusters).ToArray())
            .Add("one_to_one_matched", rows.Select(r => r.c.OneToOneMatched).ToArray())
            .Add("one_to_one_mean_overlap", rows.Select(r => r.c.OneToOneMeanOverlap).ToArray())
            .Add("distinct_features_matched", rows.Select(r => r.c.DistinctFeaturesMatched).ToArray())
            .Add("clusters_matched", rows.Select(r => r.c.ClustersMatched).ToArray())
            .Add("features_matched", rows.Select(r => r.c.FeaturesMatched).ToArray())
            .Add("mean_best_overlap", rows.Select(r => r.c.MeanBestOverlap).ToArray())
            .Add("matches", rows.Select(r => r.c.Matches.Count).ToArray())
            .Add("ms_sae_mean", rows.Select(r => Mean(Sae(r.l, r.c).Ms)).ToArray())
            .Add("ms_cluster_mean", rows.Select(r => Mean(Cl(r.l, r.c).Ms)).ToArray())
            .Add("ms_raw_mean", rows.Select(r => Mean(r.l.RawMs)).ToArray())
            .Add("sae_r2", rows.Select(r => Sae(r.l, r.c).R2).ToArray())
            .Add("sae_l0", rows.Select(r => Sae(r.l, r.c).L0).ToArray())
            .Add("sae_stability", rows.Select(r => Sae(r.l, r.c).Stability.DefaultIfEmpty(double.NaN).Average()).ToArray())
            .Table;
    }

    /// <summary>Writes a layer's tables into its folder; returns the frames by file name.</summary>
    public static Dictionary<string, EvaluationReport> WriteLayer(LayerResult l, string dir)
    {
        Directory.CreateDirectory(dir);
        var frames = LayerFrames(l);
        foreach (var (file, frame) in frames) ReportText.SaveCsv(frame.Table, Path.Combine(dir, file));
        return frames;
    }

    /// <summary>A layer's tables by file name.</summary>
    public static Dictionary<string, EvaluationReport> LayerFrames(LayerResult l)
    {
        var frames = new Dictionary<string, EvaluationReport>();
        for (int i = 0; i < l.Comparisons.Count; i++)
        {
            var c = l.Comparisons[i];
            var f = new EvaluationReport($"matches {c.Sae} × {c.Clusters}")
                .Add("cluster", c.Matches.Select(m => m.Cluster).ToArray())
                .Add("feature", c.Matches.Select(m => m.Feature).ToArray())
                .Add("overlap", c.Matches.Select(m => m.Overlap).ToArray());
            // The first comparison is also the layer's matches.csv (the name the issue gives).
            frames[i == 0 ? "matches.csv" : $"matches_{c.Sae}__{c.Clusters}.csv"] = f;
            frames[$"one_to_one_{c.Sae}__{c.Clusters}.csv"] = new EvaluationReport($"one-to-one matching {c.Sae} × {c.Clusters}")
                .Add("cluster", c.OneToOne.Select(m => m.Cluster).ToArray())
                .Add("feature", c.OneToOne.Select(m => m.Feature).ToArray())
                .Add("overlap", c.OneToOne.Select(m => m.Overlap).ToArray());
            frames[$"found_by_one_{c.Sae}__{c.Clusters}.csv"] = new EvaluationReport($"found by one method only: {c.Sae} × {c.Clusters}")
                .Add("method", c.ClustersOnly.Select(_ => "clusters").Concat(c.FeaturesOnly.Select(_ => "sae")).ToArray())
                .Add("concept", c.ClustersOnly.Concat(c.FeaturesOnly).ToArray());
        }
        foreach (var s in l.Saes)
        {
            var f = new EvaluationReport($"SAE features {s.Name}")
                .Add("feature", Enumerable.Range(0, s.Latents).ToArray())
                .Add("energy", s.Energy);
            if (s.Ms is not null) f.Add("ms", s.Ms).Add("ms_top_n", s.MsTopN!);
            if (s.Modality is not null) f.Add("modality", s.Modality);
            frames[$"features_{s.Name}.csv"] = f;
            if (s.StabilityCurve.Length > 0)
                frames[$"stability_{s.Name}.csv"] = new EvaluationReport($"stability of the top-M concepts {s.Name}")
                    .Add("top_m", s.StabilityCurveM).Add("stability", s.StabilityCurve);
            if (s.Bridges is { } b)
                frames[$"bridge_{s.Name}.csv"] = new EvaluationReport($"top bridge pairs {s.Name}")
                    .Add("i", b.Select(p => p.I).ToArray()).Add("j", b.Select(p => p.J).ToArray())
                    .Add("bridge", b.Select(p => p.Bridge).ToArray()).Add("coactivation", b.Select(p => p.Coactivation).ToArray())
                    .Add("cosine", b.Select(p => p.Cosine).ToArray());
        }
        frames["saes.csv"] = new EvaluationReport("SAEs")
            .Add("sae", l.Saes.Select(s => s.Name).ToArray())
            .Add("latents", l.Saes.Select(s => s.Latents).ToArray())
            .Add("mse", l.Saes.Select(s => s.Mse).ToArray())
            .Add("r2", l.Saes.Select(s => s.R2).ToArray())
            .Add("l0", l.Saes.Select(s => s.L0).ToArray())
            .Add("dead_fraction", l.Saes.Select(s => s.DeadFraction).ToArray())
            .Add("cosine", l.Saes.Select(s => s.Cosine).ToArray())
            .Add("stability", l.Saes.Select(s => s.Stability.DefaultIfEmpty(double.NaN).Average()).ToArray())
            .Add("stability_top_m", l.Saes.Select(s => s.StabilityTopM.DefaultIfEmpty(double.NaN).Average()).ToArray())
            .Add("ms_mean", l.Saes.Select(s => Mean(s.Ms)).ToArray());
        foreach (var c in l.Clusters)
        {
            var f = new EvaluationReport($"clusters {c.Name}").Add("cluster", Enumerable.Range(0, c.K).ToArray()).Add("size", c.Sizes);
            if (c.Ms is not null) f.Add("ms", c.Ms).Add("ms_top_n", c.MsTopN!);
            frames[$"clusters_{c.Name}.csv"] = f;
        }
        frames["clusterers.csv"] = new EvaluationReport("clusterers")
            .Add("clusters", l.Clusters.Select(c => c.Name).ToArray())
            .Add("k", l.Clusters.Select(c => c.K).ToArray())
            .Add("inertia", l.Clusters.Select(c => c.Inertia).ToArray())
            .Add("nmi", l.Clusters.Select(c => c.Nmi ?? double.NaN).ToArray())
            .Add("ari", l.Clusters.Select(c => c.Ari ?? double.NaN).ToArray())
            .Add("ms_mean", l.Clusters.Select(c => Mean(c.Ms)).ToArray());
        if (l.RawMs is not null)
            frames["raw_neurons.csv"] = new EvaluationReport("raw neurons")
                .Add("neuron", Enumerable.Range(0, l.RawMs.Length).ToArray()).Add("ms", l.RawMs).Add("ms_top_n", l.RawMsTopN!);
        if (l.GroundTruth is { } g)
            frames["ground_truth.csv"] = new EvaluationReport("ground truth")
                .Add("metric", new[] { "sae_recovery", "sae_mmcs", "cluster_recovery", "cluster_mmcs", "image_modality_min", "text_modality_max", "bridge_recall" })
                .Add("value", new[]
                {
                    g.SaeRecovery, g.SaeMmcs, g.ClusterRecovery, g.ClusterMmcs,
                    g.ImageConceptModality.DefaultIfEmpty(double.NaN).Min(), g.TextConceptModality.DefaultIfEmpty(double.NaN).Max(), g.BridgeRecall,
                });
        return frames;
    }
}
