using MlNetConcepts.Views;
using Microsoft.ML;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering") that streams the data through
/// cursors, so the activations never have to fit in memory (e.g. a memory-mapped .npy view).
/// One pass draws a seeded reservoir sample on which k-means++ and Lloyd pick the initial centres;
/// then every block of rows moves each centre to the running mean of all rows it has received:
/// μ_j ← (c_j·μ_j + Σ_{x∈batch→j} x) / (c_j + n_j), c_j ← c_j + n_j (the per-centre learning rate
/// 1/c_j). Blocks arrive in the view's order (a stream cannot be shuffled), so a view sorted by
/// class should be shuffled beforehand. A final pass computes labels and the inertia.
/// </summary>
public sealed class MiniBatchKMeansTrainer : IEstimator<ClusteringTransformer>
{
    private readonly MiniBatchKMeansOptions _options;
    private readonly int _seed;

    /// <summary>Creates the trainer; <paramref name="defaultSeed"/> is used when the options give none.</summary>
    public MiniBatchKMeansTrainer(MiniBatchKMeansOptions options, int defaultSeed = 20251121)
    {
        _options = options;
        _seed = options.Seed ?? defaultSeed;
        if (options.BatchSize < 1) throw new ConceptDataException($"Mini-batch k-means: the batch size must be at least 1, got {options.BatchSize}.");
        if (options.MaximumEpochs < 1) throw new ConceptDataException($"Mini-batch k-means: the number of epochs must be at least 1, got {options.MaximumEpochs}.");
        if (options.NumberOfInitializations < 1) throw new ConceptDataException($"Mini-batch k-means: the number of initialisations must be at least 1, got {options.NumberOfInitializations}.");
    }

    /// <inheritdoc />
    public ClusteringTransformer Fit(IDataView input)
    {
        var r = FitStream(input);
        return new ClusteringTransformer(r.Centroids, r.K, r.Dimension, _options.FeatureColumnName, _options.Metric, "minibatch");
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        => ClusteringTransformer.OutputShape(inputSchema, _options.FeatureColumnName, _options.NumberOfClusters);

    /// <summary>Fits by streaming <paramref name="input"/>; the labels of every row come from a final pass.</summary>
    public ClusteringResult FitStream(IDataView input)
    {
        string col = _options.FeatureColumnName;
        string source = $"column '{col}'";
        int d = ViewColumns.RequireFloatVector(input.Schema, col), k = _options.NumberOfClusters;
        bool spherical = _options.Metric == ClusterMetric.Cosine;

        var (sample, sampleRows, total) = Reservoir(input, col, d, Math.Max(_options.InitializationSize, 3 * k), source, spherical);
        ClusterInput.CheckK(k, total, source);
        if (total > Array.MaxLength) throw new ConceptDataException($"{source}: {total} rows are more than one label array can hold.");
        var centres = Initialise(sample, sampleRows, d, k, spherical);

        var counts = new double[k];
        double previous = double.PositiveInfinity;
        int epochs = 0;
        bool converged = false;
        for (int e = 0; e < _options.MaximumEpochs; e++)
        {
            double epochCost = 0;
            using (var cursor = new RowBlockReader(input, [col], _options.BatchSize))
                while (cursor.MoveNext())
                {
                    var batch = Prepare(cursor, col, d, source, spherical);
                    epochCost += Step(batch, cursor.BlockRows, d, centres, k, counts, spherical);
                }
            epochs = e + 1;
            _options.Progress?.Invoke($"minibatch: epoch {epochs}/{_options.MaximumEpochs}: summed squared distance {epochCost:G8}");
            if (previous - epochCost <= _options.Tolerance * previous) { converged = true; break; }
            previous = epochCost;
        }

        var labels = new int[total];
        double inertia = 0;
        using (var cursor = new RowBlockReader(input, [col], _options.BatchSize))
            while (cursor.MoveNext())
            {
                var batch = Prepare(cursor, col, d, source, spherical);
                int rows = cursor.BlockRows;
                var lab = new int[rows];
                var dist = new float[rows];
                Lloyd.Assign(batch, SquaredDistances.RowNorms(batch, rows, d), rows, d, centres, k, lab, dist);
                lab.CopyTo(labels, cursor.BlockStart);
                inertia += Lloyd.Inertia(batch, d, centres, lab);
            }
        return new ClusteringResult(centres, k, d, labels, inertia, epochs, converged);
    }

    /// <summary>
    /// One mini-batch update: assign each row to its nearest centre, then move every centre that received
    /// n_j rows to (c_j·μ_j + Σx)/(c_j + n_j) (renormalised for the spherical variant). Returns the
    /// summed squared distance of the batch to the centres before the update.
    /// </summary>
    internal static double Step(float[] batch, int rows, int d, float[] centres, int k, double[] counts, bool spherical)
    {
        var labels = new int[rows];
        var dist = new float[rows];
        Lloyd.Assign(batch, SquaredDistances.RowNorms(batch, rows, d), rows, d, centres, k, labels, dist);
        var sums = new double[k * d];
        var got = new long[k];
        double cost = 0;
        for (int i = 0; i < rows; i++)
        {
            int j = labels[i];
            got[j]++;
            cost += dist[i];
            for (int t = 0; t < d; t++) sums[j * d + t] += batch[i * d + t];
        }
        for (int j = 0; j < k; j++)
        {
            if (got[j] == 0) continue;
            double total = counts[j] + got[j];
            double norm = 0;
            for (int t = 0; t < d; t++)
            {
                double v = (counts[j] * centres[j * d + t] + sums[j * d + t]) / total;
                sums[j * d + t] = v;
                norm += v * v;
            }
            double scale = spherical && norm > 0 ? 1.0 / Math.Sqrt(norm) : 1.0;
            for (int t = 0; t < d; t++) centres[j * d + t] = (float)(sums[j * d + t] * scale);
            counts[j] = total;
        }
        return cost;
    }

    private float[] Initialise(float[] sample, int rows, int d, int k, bool spherical)
    {
        var norms = SquaredDistances.RowNorms(sample, rows, d);
        double tol = 1e-4 * ClusterInput.MeanVariance(sample, rows, d);
        ClusteringResult? best = null;
        for (int r = 0; r < _options.NumberOfInitializations; r++)
        {
            var rng = new Random(unchecked(_seed * 7919 + r));
            var seeds = KMeansPlusPlus.Seed(sample, norms, rows, d, k, rng);
            var run = Lloyd.Run(sample, norms, rows, d, seeds, k, 100, tol, spherical);
            if (best is null || run.Inertia < best.Inertia) best = run;
        }
        return best!.Centroids;
    }

    /// <summary>A seeded uniform reservoir sample (Vitter's algorithm R) of up to <paramref name="size"/> rows, and the row count.</summary>
    private (float[] Sample, int Rows, long Total) Reservoir(IDataView input, string col, int d, int size, string source, bool spherical)
    {
        var rng = new Random(unchecked(_seed * 104729 + 17));
        var sample = new float[(long)size * d];
        long seen = 0;
        using (var cursor = new RowBlockReader(input, [col], _options.BatchSize))
            while (cursor.MoveNext())
            {
                var batch = Prepare(cursor, col, d, source, spherical);
                for (int i = 0; i < cursor.BlockRows; i++, seen++)
                {
                    long slot = seen < size ? seen : rng.NextInt64(seen + 1);
                    if (slot < size) batch.AsSpan(i * d, d).CopyTo(sample.AsSpan((int)slot * d, d));
                }
            }
        int rows = (int)Math.Min(seen, size);
        return (rows == size ? sample : sample[..(rows * d)], rows, seen);
    }

    private static float[] Prepare(RowBlockReader cursor, string col, int d, string source, bool spherical)
    {
        var block = cursor.Floats(col);
        ClusterInput.CheckFinite(block, cursor.BlockRows, d, source, cursor.BlockStart);
        return spherical ? ClusterInput.NormalizeRows(block, cursor.BlockRows, d, source, cursor.BlockStart) : block.ToArray();
    }
}
