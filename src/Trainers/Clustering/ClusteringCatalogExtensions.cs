using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Clustering verbs on <see cref="ClusteringCatalog"/> (ML.NET style: <c>context.Clustering.KMeans(...)</c>).</summary>
public static class ClusteringCatalogExtensions
{
    /// <summary>k-means with k-means++ seeding and Lloyd iterations (Euclidean).</summary>
    public static KMeansTrainer KMeans(this ClusteringCatalog catalog, string featureColumnName = "Features", int numberOfClusters = 8)
        => new(new KMeansOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters }, catalog.Context.DeriveSeed(401));

    /// <summary>k-means with explicit options (Euclidean or cosine).</summary>
    public static KMeansTrainer KMeans(this ClusteringCatalog catalog, KMeansOptions options)
        => new(options, catalog.Context.DeriveSeed(401));

    /// <summary>Spherical k-means: unit-normalised rows and centroids, assignment by largest cosine.</summary>
    public static KMeansTrainer SphericalKMeans(this ClusteringCatalog catalog, string featureColumnName = "Features", int numberOfClusters = 8)
        => new(new KMeansOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters, Metric = ClusterMetric.Cosine },
            catalog.Context.DeriveSeed(402));

    /// <summary>Exact agglomerative clustering (nearest-neighbour chain) cut into <paramref name="numberOfClusters"/> clusters.</summary>
    public static AgglomerativeTrainer Agglomerative(this ClusteringCatalog catalog, string featureColumnName = "Features", int numberOfClusters = 8,
        Linkage linkage = Linkage.Ward, ClusterMetric metric = ClusterMetric.Euclidean)
        => new(new AgglomerativeOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters, Linkage = linkage, Metric = metric });

    /// <summary>Agglomerative clustering with explicit options (e.g. a distance threshold or a row limit).</summary>
    public static AgglomerativeTrainer Agglomerative(this ClusteringCatalog catalog, AgglomerativeOptions options) => new(options);

    /// <summary>Mini-batch k-means streaming the view through cursors (for data larger than memory).</summary>
    public static MiniBatchKMeansTrainer MiniBatchKMeans(this ClusteringCatalog catalog, string featureColumnName = "Features", int numberOfClusters = 8, int batchSize = 1024)
        => new(new MiniBatchKMeansOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters, BatchSize = batchSize }, catalog.Context.DeriveSeed(403));

    /// <summary>Mini-batch k-means with explicit options.</summary>
    public static MiniBatchKMeansTrainer MiniBatchKMeans(this ClusteringCatalog catalog, MiniBatchKMeansOptions options)
        => new(options, catalog.Context.DeriveSeed(403));
}
