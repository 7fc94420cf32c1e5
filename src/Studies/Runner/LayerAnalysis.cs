using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// Runs the evaluators on one layer: MonoSemanticity of raw neurons, SAE features and clusters
/// (full and top-N), energy, reconstruction, stability across seeds, modality and bridge scores,
/// and the SAE-versus-clustering overlap with its matches and core representatives (Bíla et al. 2025).
/// </summary>
internal sealed class LayerAnalysis(StudyConfig config, StudyInputs inputs)
{
    public LayerResult Analyse(string layer, float[] x, int rows, int width,
        IReadOnlyList<(SaeSpec Spec, IReadOnlyList<(SaeTransformer Sae, float[] Codes)> Seeds)> saes,
        IReadOnlyList<(ClusterSpec Spec, ClusteringTransformer Model)> clusters,
        GroundTruth? truth)
    {
        var activations = DenseMatrix.Create(x, rows, width, $"layer '{layer}'");
        var embeddings = inputs.Embeddings;
        int topN = Math.Min(config.TopN, rows);
        var result = new LayerResult
        {
            Layer = layer,
            Rows = rows,
            Width = width,
            RawMs = embeddings is null ? null : MonoSemanticity.Neurons(activations, embeddings).Table.Doubles("ms"),
            RawMsTopN = embeddings is null ? null : MonoSemanticity.Neurons(activations, embeddings, topN).Table.Doubles("ms"),
        };

        var codeMatrices = new List<DenseMatrix>();
        foreach (var (spec, seeds) in saes)
        {
            var (sae, codesData) = seeds[0];
            var codes = DenseMatrix.Create(codesData, rows, sae.Latents, $"codes of {StudyNames.Of(spec)}");
            codeMatrices.Add(codes);
            result.Saes.Add(LayerMetrics.Sae(StudyNames.Of(spec), sae, seeds, codes, activations, embeddings, topN, config, inputs));
        }

        var clusterMatrices = new List<DenseMatrix>();
        foreach (var (spec, model) in clusters)
        {
            var centroids = DenseMatrix.Create(model.GetCentroids(), model.K, model.Dimension, $"centroids of {StudyNames.Of(spec)}");
            clusterMatrices.Add(centroids);
            var (labels, _, _) = model.Predict(x, rows);
            result.Clusters.Add(new ClusterResult
            {
                Name = StudyNames.Of(spec),
                K = model.K,
                Inertia = ClusterQuality.Inertia(x, rows, width, centroids.Data, labels),
                Sizes = ClusterSizes(labels, model.K),
                Nmi = inputs.Labels is null ? null : ClusterQuality.NormalizedMutualInformation(inputs.Labels, labels),
                Ari = inputs.Labels is null ? null : ClusterQuality.AdjustedRandIndex(inputs.Labels, labels),
                Ms = embeddings is null ? null : MonoSemanticity.Clusters(activations, centroids, embeddings).Table.Doubles("ms"),
                MsTopN = embeddings is null ? null : MonoSemanticity.Clusters(activations, centroids, embeddings, topN).Table.Doubles("ms"),
            });
        }

        for (int s = 0; s < saes.Count; s++)
            for (int c = 0; c < clusters.Count; c++)
                result.Comparisons.Add(Compare(StudyNames.Of(saes[s].Spec), StudyNames.Of(clusters[c].Spec), codeMatrices[s], activations, clusterMatrices[c], result.Saes[s].Energy));

        if (truth is not null && truth.PlantedLayer == layer && saes.Count > 0)
            result = result with { GroundTruth = truth.Score(saes[0].Seeds[0].Sae, result.Saes[0], clusterMatrices.FirstOrDefault()) };
        return result;
    }

    private ComparisonResult Compare(string saeName, string clusterName, DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, double[] energy)
    {
        var overlap = Overlap.Compute(codes, activations, centroids);
        // SAE codes are non-negative, so a feature fires on some sample exactly when its energy (mean code) is positive.
        var live = Enumerable.Range(0, codes.Cols).Where(k => energy[k] > 0).ToArray();
        var matches = new List<MatchedPair>();
        var clusterMatched = new bool[overlap.Clusters];
        var featureMatched = new bool[overlap.Features];
        double bestSum = 0;
        for (int j = 0; j < overlap.Clusters; j++)
        {
            double best = 0;
            for (int k = 0; k < overlap.Features; k++)
            {
                double o = overlap[j, k];
                if (double.IsNaN(o)) continue;
                best = Math.Max(best, o);
                if (o >= config.Tau)
                {
                    matches.Add(new MatchedPair(j, k, o));
                    clusterMatched[j] = true;
                    featureMatched[k] = true;
                }
            }
            bestSum += best;
        }
        matches.Sort((a, b) => b.Overlap.CompareTo(a.Overlap));
        var oneToOne = OverlapMatching.Summarize(overlap, config.Tau);
        var core = matches.Take(config.ReportPairs)
            .Select(m => Overlap.CoreRepresentatives(codes, activations, centroids, m.Cluster, m.Feature, config.TopN).Table.Int64s("sample").Select(v => (int)v).ToArray())
            .ToList();
        // Heat map: the clusters with the highest best overlap and their best features.
        var heatClusters = Enumerable.Range(0, overlap.Clusters)
            .Select(j => (j, best: Enumerable.Range(0, overlap.Features).Select(k => (k, o: overlap[j, k])).Where(p => !double.IsNaN(p.o)).DefaultIfEmpty((k: -1, o: 0.0)).MaxBy(p => p.o)))
            .OrderByDescending(p => p.best.o).Take(HeatSize).ToList();
        var heatFeatures = heatClusters.Select(p => p.best.k).Where(k => k >= 0).Distinct().ToArray();
        var heat = heatClusters.SelectMany(p => heatFeatures.Select(k => overlap[p.j, k])).ToArray();
        return new ComparisonResult
        {
            HeatClusters = heatClusters.Select(p => p.j).ToArray(),
            HeatFeatures = heatFeatures,
            Heat = heat,
            Sae = saeName,
            Clusters = clusterName,
            ClustersMatched = clusterMatched.Count(b => b) / (double)overlap.Clusters,
            FeaturesMatched = live.Length == 0 ? 0 : live.Count(k => featureMatched[k]) / (double)live.Length,
            MeanBestOverlap = bestSum / overlap.Clusters,
            OneToOneMatched = oneToOne.ClusterFraction,
            OneToOneMatches = oneToOne.Matched,
            OneToOneMeanOverlap = oneToOne.MeanOverlap,
            DistinctFeaturesMatched = oneToOne.DistinctFeaturesMatched,
            OneToOne = oneToOne.Pairs.OrderByDescending(p => p.Overlap).ToList(),
            Matches = matches,
            ClustersOnly = Enumerable.Range(0, overlap.Clusters).Where(j => !clusterMatched[j]).ToArray(),
            FeaturesOnly = live.Where(k => !featureMatched[k]).ToArray(),
            CoreRows = core,
        };
    }

    private const int HeatSize = 16;

    private static int[] ClusterSizes(int[] labels, int k)
    {
        var sizes = new int[k];
        foreach (int l in labels) sizes[l]++;
        return sizes;
    }
}
