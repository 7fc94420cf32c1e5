using System.Globalization;
using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Views;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// The expensive stages of a study (SAE training, clustering), each cached on disk under a key
/// made of its input's content hash and its options, so re-running a study reuses them.
/// </summary>
internal sealed class StudyStages(StudyConfig config, StudyCache cache, Action<string> log)
{
    private static string I(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Training steps for an SAE on <paramref name="rows"/> rows: given, or about 25 passes over the data (at least 1500).</summary>
    public static int StepsFor(SaeSpec spec, int rows) => spec.Steps > 0 ? spec.Steps : Math.Max(1500, 25 * rows / spec.Batch);

    /// <summary>The SAE options a study uses for a spec and seed.</summary>
    public static SaeOptions SaeOptionsFor(SaeSpec spec, int rows, int seed)
    {
        int steps = StepsFor(spec, rows);
        return new SaeOptions
        {
            Architecture = spec.Arch,
            ExpansionFactor = spec.Expansion,
            K = spec.K,
            BatchSize = Math.Min(spec.Batch, rows),
            Steps = steps,
            // The public defaults assume millions of rows; scale the schedule to the run.
            WarmupSteps = Math.Min(1000, steps / 10),
            ThresholdStartStep = Math.Min(1000, steps / 4),
            DeadWindowSamples = Math.Min(10_000_000L, 2L * rows),
            Seed = seed,
            ProgressEvery = 0,
        };
    }

    /// <summary>
    /// Trains (or reuses) an SAE on the layer file, read in batches, and returns it with the path of
    /// the dense codes of every row (<c>codes.npy</c> in the cache, written a block of rows at a time).
    /// </summary>
    public (SaeTransformer Sae, string CodesPath) Sae(string layerKey, StudyLayer layer, int rows, int width, SaeSpec spec, int seedIndex)
    {
        int seed = config.Seed * 1000 + seedIndex;
        var options = SaeOptionsFor(spec, rows, seed);
        string key = StudyCache.Key("sae", "saelens", layerKey, spec.ToString(), I(options.Steps!.Value), I(options.BatchSize), I(seed));
        return cache.GetOrCompute("sae", key, tmp =>
        {
            log($"[{layer.Name}] training {StudyNames.Of(spec)} (seed {seedIndex}, {options.Steps} steps)");
            SaeTransformer sae;
            using (var view = LayerView(layer.Path, options.InputColumn)) sae = new SparseAutoencoderTrainer(options).Fit(view);
            SaeLensFormat.Export(sae, Path.Combine(tmp, "saelens"));
            WriteCodes(sae, layer.Path, Path.Combine(tmp, "codes.npy"));
        }, dir =>
        {
            var loaded = SaeLensFormat.Import(Path.Combine(dir, "saelens"));
            if (loaded.Inputs != width) throw new ConceptDataException($"{dir}: cached SAE reads width {loaded.Inputs}, the layer has {width}.");
            var codesPath = Path.Combine(dir, "codes.npy");
            var (_, shape) = NpyFile.ReadShape(codesPath);
            if (shape.Length != 2 || shape[0] != rows || shape[1] != loaded.Latents)
                throw new ConceptDataException($"{codesPath}: cached codes are {NdArray.FormatShape(shape)}, expected ({rows}, {loaded.Latents}).");
            return (loaded, codesPath);
        });
    }

    /// <summary>
    /// The layer as a view for the trainers that read batches: <c>LoadFromNpy</c> memory-maps a float32 file
    /// (any size) and converts float64 or float16 whole (such files must fit in one array, as <see cref="MatrixFile"/> reads them).
    /// </summary>
    private static ColumnDataView LayerView(string path, string column) => new MLContext().Data.LoadFromNpy(path, column);

    /// <summary>Dense codes of every row of the layer file, encoded and written a block of rows at a time.</summary>
    private static void WriteCodes(SaeTransformer sae, string layerPath, string codesPath)
    {
        using var file = MatrixFile.Open(layerPath);
        using var writer = new NpyStreamWriter(codesPath, sae.Latents);
        foreach (var (block, count, _) in LayerBlocks.Read(file, LayerBlocks.RowsFor(Math.Max(file.Cols, sae.Latents))))
            writer.Append(sae.Encode(block, count).ToDense(sae.Latents));
        writer.Complete();
    }

    /// <summary>Fits (or reuses) a clusterer on the layer and returns it.</summary>
    public ClusteringTransformer Clusters(string layerKey, StudyLayer layer, int rows, int width, ClusterSpec spec)
    {
        string key = StudyCache.Key("clusters", "centroids", layerKey, spec.ToString(), I(config.Seed), I(config.AgglomerativeSample));
        return cache.GetOrCompute("clusters", key, tmp =>
        {
            log($"[{layer.Name}] fitting {StudyNames.Of(spec)}");
            ClusteringTransformer model = spec.Method switch
            {
                "kmeans" or "spherical" => FitKMeans(layer.Path, width, spec),
                "minibatch" => FitMiniBatch(layer.Path, spec),
                "agglomerative" => FitAgglomerative(layer.Path, rows, width, spec),
                _ => throw new ConceptDataException($"study: unknown clustering method '{spec.Method}'."),
            };
            // The research format: centroids (k × d) and the method's geometry.
            NpyFile.WriteMatrix(Path.Combine(tmp, "centroids.npy"), model.GetCentroids(), model.K, model.Dimension);
            File.WriteAllText(Path.Combine(tmp, "metric.txt"), model.Metric.ToString());
        }, dir =>
        {
            var centroids = NpyFile.ReadMatrix(Path.Combine(dir, "centroids.npy"), out int k, out int d);
            var metric = Enum.Parse<ClusterMetric>(File.ReadAllText(Path.Combine(dir, "metric.txt")).Trim());
            var model = new ClusteringTransformer(centroids, k, d, "Features", metric, spec.Method);
            if (model.Dimension != width)
                throw new ConceptDataException($"{dir}: cached clusterer has centroids of width {model.Dimension}, the layer has {width}.");
            return model;
        });
    }

    private ClusteringTransformer FitKMeans(string layerPath, int width, ClusterSpec spec)
    {
        // Lloyd over the file a block of rows at a time: the same centroids as on the rows in memory.
        var metric = spec.Method == "spherical" ? ClusterMetric.Cosine : ClusterMetric.Euclidean;
        var trainer = new KMeansTrainer(new KMeansOptions { NumberOfClusters = spec.K, Metric = metric, Seed = config.Seed, NumberOfInitializations = 3 });
        using var file = MatrixFile.Open(layerPath);
        var result = trainer.FitFile(file, LayerBlocks.RowsFor(width));
        return new ClusteringTransformer(result.Centroids, result.K, width, "Features", metric, trainer.Method);
    }

    private ClusteringTransformer FitMiniBatch(string layerPath, ClusterSpec spec)
    {
        using var view = LayerView(layerPath, "Features");
        return new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions { NumberOfClusters = spec.K, Seed = config.Seed }).Fit(view);
    }

    private ClusteringTransformer FitAgglomerative(string layerPath, int rows, int width, ClusterSpec spec)
    {
        // Exact agglomerative clustering is quadratic in memory, so it runs on a seeded sample of rows
        // (AgglomerativeTrainer states its own size limit); its centroids then score every row like any other clusterer's.
        int n = Math.Min(rows, config.AgglomerativeSample);
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(config.Seed).Shuffle(order);
        var sample = new float[(long)n * width];
        using (var file = MatrixFile.Open(layerPath))
            for (int i = 0; i < n; i++) file.ReadRows(order[i], 1, sample.AsSpan((int)((long)i * width), width));
        var linkage = spec.Linkage switch { "average" => Linkage.Average, "complete" => Linkage.Complete, _ => Linkage.Ward };
        return new AgglomerativeTrainer(new AgglomerativeOptions { NumberOfClusters = spec.K, Linkage = linkage })
            .Fit(new ColumnDataView(new DenseArrayColumn("Features", sample, width)));
    }
}
