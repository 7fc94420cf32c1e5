using MlNetConcepts.Data;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// k-means (Euclidean) and spherical k-means (cosine) on a float vector column that fits in
/// memory: greedy k-means++ seeding, Lloyd iterations with GEMM-style distances (a fused AVX-512
/// distance and arg-min kernel when the CPU has it, SGEMM through the compute backend otherwise), the best of several
/// restarts. Each restart r uses its own generator seeded from (seed, r), so results repeat for a
/// seed. The fitted <see cref="ClusteringTransformer"/> adds Score, PredictedLabel and Membership.
/// </summary>
public sealed class KMeansTrainer : IConceptEstimator<ClusteringTransformer>
{
    private readonly KMeansOptions _options;
    private readonly int _seed;

    /// <summary>Creates the trainer; <paramref name="defaultSeed"/> is used when the options give none.</summary>
    public KMeansTrainer(KMeansOptions options, int defaultSeed = 20251121)
    {
        _options = options;
        _seed = options.Seed ?? defaultSeed;
        if (options.NumberOfInitializations < 1) throw new ConceptDataException($"k-means: the number of initialisations must be at least 1, got {options.NumberOfInitializations}.");
        if (options.MaximumIterations < 1) throw new ConceptDataException($"k-means: the maximum number of iterations must be at least 1, got {options.MaximumIterations}.");
        if (!(options.Tolerance >= 0)) throw new ConceptDataException($"k-means: the tolerance must be ≥ 0, got {options.Tolerance}.");
    }

    /// <summary>The method name stored with the model: "kmeans" or "spherical".</summary>
    public string Method => _options.Metric == ClusterMetric.Cosine ? "spherical" : "kmeans";

    /// <inheritdoc />
    public ClusteringTransformer Fit(IConceptView input)
    {
        var col = input.Schema.RequireVector(_options.FeatureColumnName);
        var x = input.ReadMatrix(col.Name, out int n, out int d);
        var result = FitMatrix(x, n, d, $"column '{col.Name}'");
        return new ClusteringTransformer(result.Centroids, result.K, d, col.Name, _options.Metric, Method);
    }

    /// <inheritdoc />
    public ViewSchema GetOutputSchema(ViewSchema inputSchema)
    {
        inputSchema.RequireVector(_options.FeatureColumnName);
        return inputSchema.With(ClusteringTransformer.OutputColumns(_options.NumberOfClusters).ToArray());
    }

    /// <summary>Fits on a row-major n × d matrix; <paramref name="source"/> names the data in errors.</summary>
    public ClusteringResult FitMatrix(float[] x, int n, int d, string source = "data")
    {
        int k = _options.NumberOfClusters;
        ClusterInput.CheckK(k, n, source);
        ClusterInput.CheckFinite(x, n, d, source);
        bool spherical = _options.Metric == ClusterMetric.Cosine;
        var data = spherical ? ClusterInput.NormalizeRows(x, n, d, source) : x;
        var norms = SquaredDistances.RowNorms(data, n, d);
        double tol = _options.Tolerance * ClusterInput.MeanVariance(data, n, d);

        if (_options.InitialCentroids is float[] init)
        {
            if (init.Length != k * d) throw new ConceptDataException($"{source}: initial centroids have {init.Length} values, expected k × d = {k} × {d}.");
            ClusterInput.CheckFinite(init, k, d, "initial centroids");
            var start = spherical ? ClusterInput.NormalizeRows(init, k, d, "initial centroids") : init;
            return Lloyd.Run(data, norms, n, d, start, k, _options.MaximumIterations, tol, spherical);
        }

        ClusteringResult? best = null;
        for (int r = 0; r < _options.NumberOfInitializations; r++)
        {
            var rng = new Random(unchecked(_seed * 7919 + r));
            var seeds = KMeansPlusPlus.Seed(data, norms, n, d, k, rng);
            var run = Lloyd.Run(data, norms, n, d, seeds, k, _options.MaximumIterations, tol, spherical);
            _options.Progress?.Invoke($"{Method}: restart {r + 1}/{_options.NumberOfInitializations}: inertia {run.Inertia:G8} after {run.Iterations} iterations{(run.Converged ? "" : " (iteration cap reached)")}");
            if (best is null || run.Inertia < best.Inertia) best = run;
        }
        return best!;
    }
}
