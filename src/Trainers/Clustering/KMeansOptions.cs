namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Options of <see cref="KMeansTrainer"/> (defaults follow scikit-learn's KMeans where it has one).</summary>
public sealed class KMeansOptions
{
    /// <summary>Number of clusters k (1 ≤ k ≤ rows).</summary>
    public int NumberOfClusters { get; set; } = 8;

    /// <summary>Float vector input column.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Euclidean (k-means) or cosine (spherical k-means).</summary>
    public ClusterMetric Metric { get; set; } = ClusterMetric.Euclidean;

    /// <summary>Independent k-means++ restarts; the run with the lowest inertia is kept.</summary>
    public int NumberOfInitializations { get; set; } = 3;

    /// <summary>Cap on Lloyd iterations per restart.</summary>
    public int MaximumIterations { get; set; } = 300;

    /// <summary>
    /// Relative tolerance: a run stops when Σ_j ‖μ_j(new) − μ_j(old)‖² ≤ Tolerance · mean_t Var(x_t)
    /// (scikit-learn's rule, so the threshold does not depend on the data's scale).
    /// </summary>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>Seed of the restarts; null takes one derived from the context's seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Optional fixed initial centres (k × d, row-major); then one run from them, without seeding.</summary>
    public float[]? InitialCentroids { get; set; }

    /// <summary>Receives one line per restart, epoch or phase (e.g. the CLI prints them on stderr); null for silence.</summary>
    public Action<string>? Progress { get; set; }
}
