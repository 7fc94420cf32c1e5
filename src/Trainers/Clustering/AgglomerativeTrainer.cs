using MlNetConcepts.Views;
using Microsoft.ML;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Exact agglomerative (hierarchical) clustering with Ward, average or complete linkage, Euclidean
/// or cosine, by the nearest-neighbour chain. The dendrogram is cut at k clusters or at a
/// distance; the model's centroids are the means of the final clusters (for cosine, the means of
/// the unit rows scaled to unit length), so the fitted transformer scores new rows like k-means.
/// </summary>
public sealed class AgglomerativeTrainer : IEstimator<ClusteringTransformer>
{
    private readonly AgglomerativeOptions _options;

    /// <summary>Creates the trainer.</summary>
    public AgglomerativeTrainer(AgglomerativeOptions options)
    {
        _options = options;
        if ((options.NumberOfClusters is null) == (options.DistanceThreshold is null))
            throw new ConceptDataException("Agglomerative clustering: give either a number of clusters or a distance threshold (exactly one).");
        if (options.MaximumRows < 2) throw new ConceptDataException($"Agglomerative clustering: the row limit must be at least 2, got {options.MaximumRows}.");
    }

    /// <summary>The dendrogram of the last fit (null before the first).</summary>
    public Dendrogram? LastDendrogram { get; private set; }

    /// <inheritdoc />
    public ClusteringTransformer Fit(IDataView input)
    {
        string name = _options.FeatureColumnName;
        ViewColumns.RequireFloatVector(input.Schema, name);
        var x = RowBlockReader.ReadMatrix(input, name, out int n, out int d);
        var r = FitMatrix(x, n, d, $"column '{name}'");
        return new ClusteringTransformer(r.Centroids, r.K, d, name, _options.Metric, "agglomerative");
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ViewColumns.RequireFloatVector(inputSchema, _options.FeatureColumnName);
        if (_options.NumberOfClusters is not int k)
            throw new ConceptDataException("Agglomerative clustering with a distance threshold: the number of clusters (the width of Score and Membership) is known only after fitting.");
        return ClusteringTransformer.OutputShape(inputSchema, _options.FeatureColumnName, k);
    }

    /// <summary>Fits on a row-major n × d matrix.</summary>
    public ClusteringResult FitMatrix(float[] x, int n, int d, string source = "data")
    {
        if (n > _options.MaximumRows)
            throw new ConceptDataException($"{source}: agglomerative clustering is exact and needs an N × N distance matrix; {n} rows exceed the limit of {_options.MaximumRows} (raise the limit if memory allows, about 2·N² bytes, or use k-means / mini-batch k-means).");
        if (_options.NumberOfClusters is int k) ClusterInput.CheckK(k, n, source);
        else if (n < 1) throw new ConceptDataException($"{source}: there are no rows to cluster.");
        ClusterInput.CheckFinite(x, n, d, source);
        bool cosine = _options.Metric == ClusterMetric.Cosine;
        var data = cosine ? ClusterInput.NormalizeRows(x, n, d, source) : x;

        Dendrogram tree;
        if (n == 1) tree = new Dendrogram(1, []);
        else
        {
            var kind = _options.Linkage == Linkage.Ward ? PairwiseDistances.Kind.SquaredEuclidean
                : cosine ? PairwiseDistances.Kind.Cosine : PairwiseDistances.Kind.Euclidean;
            _options.Progress?.Invoke($"agglomerative: {(long)n * (n - 1) / 2} pairwise distances ({(long)n * (n - 1) * 2 / 1_000_000} MB)");
            var dist = PairwiseDistances.Condensed(data, n, d, kind);
            _options.Progress?.Invoke($"agglomerative: {_options.Linkage} linkage, {n - 1} merges");
            tree = Dendrogram.FromSlotMerges(n, NearestNeighborChain.Run(dist, n, _options.Linkage));
        }
        LastDendrogram = tree;
        var labels = _options.NumberOfClusters is int kk ? tree.CutToClusters(kk) : tree.CutAtDistance(_options.DistanceThreshold!.Value);
        int clusters = labels.Max() + 1;
        var centroids = Centroids(data, n, d, labels, clusters, cosine);
        return new ClusteringResult(centroids, clusters, d, labels, Lloyd.Inertia(data, d, centroids, labels), n - clusters, true);
    }

    /// <summary>Means of the rows of each cluster (scaled to unit length for the cosine metric).</summary>
    internal static float[] Centroids(float[] x, int n, int d, int[] labels, int k, bool unit)
    {
        var sums = new double[k * d];
        var counts = new long[k];
        for (int i = 0; i < n; i++)
        {
            counts[labels[i]]++;
            for (int t = 0; t < d; t++) sums[labels[i] * d + t] += x[i * d + t];
        }
        var c = new float[k * d];
        for (int j = 0; j < k; j++)
        {
            double scale = 1.0 / counts[j];
            if (unit)
            {
                double norm = 0;
                for (int t = 0; t < d; t++) norm += sums[j * d + t] * sums[j * d + t];
                scale = norm > 0 ? 1.0 / Math.Sqrt(norm) : 0;
            }
            for (int t = 0; t < d; t++) c[j * d + t] = (float)(sums[j * d + t] * scale);
        }
        return c;
    }
}
