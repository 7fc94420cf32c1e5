namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Options of <see cref="MiniBatchKMeansTrainer"/>.</summary>
public sealed class MiniBatchKMeansOptions
{
    /// <summary>Number of clusters k.</summary>
    public int NumberOfClusters { get; set; } = 8;

    /// <summary>Float vector input column.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Euclidean, or cosine (spherical: unit rows and unit centres).</summary>
    public ClusterMetric Metric { get; set; } = ClusterMetric.Euclidean;

    /// <summary>Rows per mini-batch (the cursor's block size).</summary>
    public int BatchSize { get; set; } = 1024;

    /// <summary>Rows kept in the seeded reservoir sample used for k-means++ initialisation (at least 3·k are used).</summary>
    public int InitializationSize { get; set; } = 3072;

    /// <summary>k-means++ restarts on the initialisation sample; the best (lowest sample inertia) starts the stream.</summary>
    public int NumberOfInitializations { get; set; } = 3;

    /// <summary>Cap on passes over the data.</summary>
    public int MaximumEpochs { get; set; } = 20;

    /// <summary>Stop when an epoch lowers the summed assignment distance by less than this fraction of the previous epoch's.</summary>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>Seed; null takes one derived from the context's seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Receives one line per restart, epoch or phase (e.g. the CLI prints them on stderr); null for silence.</summary>
    public Action<string>? Progress { get; set; }
}
