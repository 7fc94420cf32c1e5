namespace MlNetConcepts.Trainers.Clustering;

/// <summary>The geometry a clusterer works in.</summary>
public enum ClusterMetric
{
    /// <summary>Squared Euclidean distance on the raw rows.</summary>
    Euclidean,

    /// <summary>
    /// Cosine: rows are scaled to unit length first, so ‖x̂ − ŷ‖² = 2 − 2·cos(x, y). A zero row has no
    /// direction and is rejected with an error naming the row.
    /// </summary>
    Cosine,
}

/// <summary>How agglomerative clustering measures the distance between two clusters.</summary>
public enum Linkage
{
    /// <summary>Ward's minimum-variance criterion (Euclidean; with the cosine metric it runs on unit-normalised rows).</summary>
    Ward,

    /// <summary>Mean pairwise distance (UPGMA).</summary>
    Average,

    /// <summary>Largest pairwise distance.</summary>
    Complete,
}
