namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// A 2-D map of high-dimensional rows (e.g. SAE dictionary atoms, Papadimitriou et al. 2025, §6 and
/// Fig. 3) by UMAP (McInnes et al. 2018): exact k-nearest neighbours by GEMM
/// (<see cref="ExactNeighbors"/>), the fuzzy simplicial set (<see cref="FuzzySimplicialSet"/>), a PCA
/// start (<see cref="PcaInitialization"/>) and the SGD layout with negative sampling
/// (q(d) = 1/(1 + a·d^{2b}), <see cref="UmapCurve"/>). Deterministic for a seed.
/// <see cref="Trustworthiness"/> measures how well the map keeps each row's neighbours.
/// </summary>
public static class Umap
{
    /// <summary>Lays out <paramref name="x"/> (n × d, row-major); returns n × 2 coordinates, row-major.</summary>
    public static float[] Fit(float[] x, int rows, int cols, UmapOptions? options = null)
    {
        options ??= new UmapOptions();
        Check(options);
        LayoutChecks.Matrix(x, rows, cols, nameof(x));
        var y = PcaInitialization.Compute(x, rows, cols, options.Seed);
        if (rows < 3) return y; // nothing to arrange: 1 or 2 points
        var graph = ExactNeighbors.Compute(x, rows, cols, Math.Min(options.Neighbors, rows), options.Metric);
        var edges = FuzzySimplicialSet.Build(graph);
        var (a, b) = UmapCurve.Fit(options.MinDist, options.Spread);
        int epochs = options.Epochs > 0 ? options.Epochs : rows <= 10_000 ? 500 : 200;
        UmapOptimizer.Optimize(y, edges, epochs, a, b, options);
        return y;
    }

    private static void Check(UmapOptions o)
    {
        if (o.Neighbors < 2) throw new ConceptDataException($"{nameof(UmapOptions.Neighbors)} must be at least 2, got {o.Neighbors}.", [nameof(UmapOptions.Neighbors)]);
        if (o.Epochs < 0) throw new ConceptDataException($"{nameof(UmapOptions.Epochs)} must be 0 (automatic) or positive, got {o.Epochs}.", [nameof(UmapOptions.Epochs)]);
        if (o.NegativeSampleRate < 1) throw new ConceptDataException($"{nameof(UmapOptions.NegativeSampleRate)} must be at least 1, got {o.NegativeSampleRate}.", [nameof(UmapOptions.NegativeSampleRate)]);
        if (!(o.LearningRate > 0)) throw new ConceptDataException($"{nameof(UmapOptions.LearningRate)} must be positive, got {o.LearningRate}.", [nameof(UmapOptions.LearningRate)]);
        if (!(o.RepulsionStrength >= 0)) throw new ConceptDataException($"{nameof(UmapOptions.RepulsionStrength)} must be non-negative, got {o.RepulsionStrength}.", [nameof(UmapOptions.RepulsionStrength)]);
    }
}
