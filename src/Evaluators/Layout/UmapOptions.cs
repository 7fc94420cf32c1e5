namespace MlNetConcepts.Evaluators.Layout;

/// <summary>Settings of <see cref="Umap"/> (McInnes et al. 2018); the defaults are UMAP's usual ones.</summary>
public sealed record UmapOptions
{
    /// <summary>Neighbours per row in the kNN graph, the row itself included (UMAP's n_neighbors).</summary>
    public int Neighbors { get; init; } = 15;

    /// <summary>Distance between input rows.</summary>
    public LayoutMetric Metric { get; init; } = LayoutMetric.Cosine;

    /// <summary>How tightly the layout may pack points: the distance below which q(d) is flat (UMAP's min_dist).</summary>
    public double MinDist { get; init; } = 0.1;

    /// <summary>Scale of the layout's distances (UMAP's spread).</summary>
    public double Spread { get; init; } = 1.0;

    /// <summary>SGD epochs; 0 picks 500 for up to 10,000 rows and 200 above.</summary>
    public int Epochs { get; init; }

    /// <summary>Negative samples per positive sample.</summary>
    public int NegativeSampleRate { get; init; } = 5;

    /// <summary>Initial SGD step, decayed linearly to 0.</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>Weight of the repulsive term (UMAP's repulsion_strength, γ).</summary>
    public double RepulsionStrength { get; init; } = 1.0;

    /// <summary>Seed of the initial jitter and of the negative sampling; the same seed gives the same layout.</summary>
    public int Seed { get; init; } = 1;
}
