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

    private ComparisonResult Compare(string saeName, string clusterName, DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, double[] energy) =>
        ComparisonSummary.Build(config, saeName, clusterName, Overlap.Compute(codes, activations, centroids), energy,
            pairs => pairs.Select(m => Overlap.CoreRepresentatives(codes, activations, centroids, m.Cluster, m.Feature, config.TopN).Table.Int64s("sample").Select(v => (int)v).ToArray()).ToList());

    internal static int[] ClusterSizes(int[] labels, int k)
    {
        var sizes = new int[k];
        foreach (int l in labels) sizes[l]++;
        return sizes;
    }
}
