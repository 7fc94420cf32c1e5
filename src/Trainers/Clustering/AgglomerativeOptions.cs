namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Options of <see cref="AgglomerativeTrainer"/>.</summary>
public sealed class AgglomerativeOptions
{
    /// <summary>Default <see cref="MaximumRows"/>: 20,000 rows need a 0.8 GB float32 distance matrix.</summary>
    public const int DefaultMaximumRows = 20_000;

    /// <summary>Cut the dendrogram into this many clusters (set this or <see cref="DistanceThreshold"/>).</summary>
    public int? NumberOfClusters { get; set; }

    /// <summary>Cut the dendrogram at this linkage distance instead: merges of height ≤ threshold are applied.</summary>
    public double? DistanceThreshold { get; set; }

    /// <summary>Linkage criterion.</summary>
    public Linkage Linkage { get; set; } = Linkage.Ward;

    /// <summary>Euclidean, or cosine (1 − cos between rows; Ward then runs on unit-normalised rows).</summary>
    public ClusterMetric Metric { get; set; } = ClusterMetric.Euclidean;

    /// <summary>Float vector input column.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Largest number of rows accepted (the distance matrix needs 2·N² bytes); above it the fit fails with a clear error.</summary>
    public int MaximumRows { get; set; } = DefaultMaximumRows;

    /// <summary>Receives one line per restart, epoch or phase (e.g. the CLI prints them on stderr); null for silence.</summary>
    public Action<string>? Progress { get; set; }
}
