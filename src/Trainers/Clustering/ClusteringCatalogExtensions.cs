using Microsoft.ML;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>The clustering method of <see cref="ClusteringCatalogExtensions.ConceptClusterer(ClusteringCatalog.ClusteringTrainers, string, int, ClusteringMethod, int?)"/>.</summary>
public enum ClusteringMethod
{
    /// <summary>k-means (Euclidean): k-means++ seeding, Lloyd iterations, the best of several restarts.</summary>
    KMeans,
    /// <summary>Spherical k-means: unit rows and centroids, assignment by largest cosine.</summary>
    Spherical,
    /// <summary>Mini-batch k-means (Sculley 2010) streaming the data (for data larger than memory).</summary>
    MiniBatch,
    /// <summary>Exact agglomerative clustering (Ward linkage, nearest-neighbour chain) cut at k clusters.</summary>
    Agglomerative,
}

/// <summary>
/// The clusterer verb on ML.NET's <c>mlContext.Clustering.Trainers</c>: one verb, the method an option. The fitted
/// <see cref="ClusteringTransformer"/> adds Score (squared distances), PredictedLabel (0-based Int32) and Membership
/// (Bíla et al. 2025, eq. 4). The Options overloads expose every setting of each method.
/// </summary>
public static class ClusteringCatalogExtensions
{
    /// <summary>A clusterer of <paramref name="method"/> with <paramref name="numberOfClusters"/> clusters on <paramref name="featureColumnName"/>.</summary>
    public static IEstimator<ClusteringTransformer> ConceptClusterer(this ClusteringCatalog.ClusteringTrainers catalog, string featureColumnName = "Features",
        int numberOfClusters = 8, ClusteringMethod method = ClusteringMethod.KMeans, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return method switch
        {
            ClusteringMethod.KMeans or ClusteringMethod.Spherical => new KMeansTrainer(new KMeansOptions
            {
                FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters, Seed = seed,
                Metric = method == ClusteringMethod.Spherical ? ClusterMetric.Cosine : ClusterMetric.Euclidean,
            }),
            ClusteringMethod.MiniBatch => new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters, Seed = seed }),
            ClusteringMethod.Agglomerative => new AgglomerativeTrainer(new AgglomerativeOptions { FeatureColumnName = featureColumnName, NumberOfClusters = numberOfClusters }),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown clustering method."),
        };
    }

    /// <summary>k-means or spherical k-means with every setting.</summary>
    public static KMeansTrainer ConceptClusterer(this ClusteringCatalog.ClusteringTrainers catalog, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new KMeansTrainer(options);
    }

    /// <summary>Mini-batch k-means with every setting.</summary>
    public static MiniBatchKMeansTrainer ConceptClusterer(this ClusteringCatalog.ClusteringTrainers catalog, MiniBatchKMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MiniBatchKMeansTrainer(options);
    }

    /// <summary>Agglomerative clustering with every setting (e.g. a distance threshold or a row limit).</summary>
    public static AgglomerativeTrainer ConceptClusterer(this ClusteringCatalog.ClusteringTrainers catalog, AgglomerativeOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new AgglomerativeTrainer(options);
    }
}
