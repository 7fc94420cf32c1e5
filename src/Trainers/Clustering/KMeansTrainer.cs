using System.Diagnostics;
using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.IO;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// k-means (Euclidean) and spherical k-means (cosine) on a float vector column in memory or on a
/// matrix file of any size streamed a block at a time (<see cref="FitFile"/>). Fitted on an <see cref="IDataView"/>, it reads
/// the project's own memory-mapped or in-memory column in place (Euclidean metric) and copies any other column, and every
/// column under the cosine metric, once into native memory.
/// Greedy k-means++ seeding, Lloyd iterations with GEMM-style distances (a fused AVX-512
/// distance and arg-min kernel when the CPU has it, SGEMM through the compute backend otherwise), the best of several
/// restarts. Each restart r uses its own generator seeded from (seed, r), so results repeat for a
/// seed. The fitted <see cref="ClusteringTransformer"/> adds Score, PredictedLabel and Membership.
/// </summary>
public sealed class KMeansTrainer : IEstimator<ClusteringTransformer>
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
    public ClusteringTransformer Fit(IDataView input)
    {
        string name = _options.FeatureColumnName;
        using var rows = ColumnRows.Open(input, name, _options.Metric == ClusterMetric.Cosine);
        var result = Fit(rows, $"column '{name}'");
        return new ClusteringTransformer(result.Centroids, result.K, rows.Dimension, name, _options.Metric, Method);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        => ClusteringTransformer.OutputShape(inputSchema, _options.FeatureColumnName, _options.NumberOfClusters);

    /// <summary>Fits on a row-major n × d matrix; <paramref name="source"/> names the data in errors.</summary>
    public ClusteringResult FitMatrix(float[] x, int n, int d, string source = "data")
    {
        ClusterInput.CheckK(_options.NumberOfClusters, n, source);
        ClusterInput.CheckFinite(x, n, d, source);
        var data = _options.Metric == ClusterMetric.Cosine ? ClusterInput.NormalizeRows(x, n, d, source) : x;
        return Fit(new InMemoryRows(data, SquaredDistances.RowNorms(data, n, d), n, d), source);
    }

    /// <summary>
    /// Fits on a matrix file of any size (a float32 <c>.npy</c> is read <paramref name="blockRows"/> rows at
    /// a time, rounded up to a multiple of 4096; see <see cref="MatrixFile"/>), giving the centroids and labels
    /// <see cref="FitMatrix"/> gives on the same rows and seed. Every iteration and every k-means++ centre is a pass
    /// over the file. Memory: one block (blockRows × d × 4 bytes; up to twice that before the collector frees a
    /// pass's buffers), 16 bytes a row (labels, previous labels and distances of the running restart, labels of the best), k × d × 8 bytes of sums per partition of the fused assignment (at most 8, and
    /// 32 MiB together when k × d allows) and, while seeding, n × (2 + ⌊ln k⌋) × 4 bytes of candidate distances
    /// when that is at most 256 MiB (otherwise each centre takes a second pass instead).
    /// </summary>
    public ClusteringResult FitFile(MatrixFile file, int blockRows)
    {
        if (file.Rows > Array.MaxLength) throw new ConceptDataException($"{file.Path}: {file.Rows} rows are more than one label array can hold.");
        ClusterInput.CheckK(_options.NumberOfClusters, file.Rows, file.Path);
        return Fit(new FileRows(file, _options.Metric == ClusterMetric.Cosine, blockRows, file.Path), file.Path);
    }

    private ClusteringResult Fit(LloydRows rows, string source)
    {
        int k = _options.NumberOfClusters, n = rows.Count, d = rows.Dimension;
        ClusterInput.CheckK(k, n, source);
        bool spherical = _options.Metric == ClusterMetric.Cosine;
        // The first pass also checks every value (a streamed source checks each block it reads).
        double tol = _options.Tolerance * ClusterInput.MeanVariance(rows);

        if (_options.InitialCentroids is float[] init)
        {
            if (init.Length != k * d) throw new ConceptDataException($"{source}: initial centroids have {init.Length} values, expected k × d = {k} × {d}.");
            ClusterInput.CheckFinite(init, k, d, "initial centroids");
            var start = spherical ? ClusterInput.NormalizeRows(init, k, d, "initial centroids") : init;
            return Lloyd.Run(rows, start, k, _options.MaximumIterations, tol, spherical);
        }

        ClusteringResult? best = null;
        for (int r = 0; r < _options.NumberOfInitializations; r++)
        {
            var rng = new Random(unchecked(_seed * 7919 + r));
            long t0 = Stopwatch.GetTimestamp();
            var seeds = KMeansPlusPlus.Seed(rows, k, rng);
            double seeding = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var run = Lloyd.Run(rows, seeds, k, _options.MaximumIterations, tol, spherical);
            double lloyd = Stopwatch.GetElapsedTime(t0).TotalSeconds - seeding;
            _options.Progress?.Invoke($"{Method}: restart {r + 1}/{_options.NumberOfInitializations}: inertia {run.Inertia:G8} after {run.Iterations} iterations{(run.Converged ? "" : " (iteration cap reached)")} (k-means++ {seeding:0.000} s, Lloyd {lloyd:0.000} s)");
            if (best is null || run.Inertia < best.Inertia) best = run;
        }
        return best!;
    }
}
