using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Views;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Cli;

/// <summary>
/// <c>mlnc cluster</c>: clusters an activation matrix (.npy, N × d) and writes centroids.npy (k × d
/// float32), labels.npy (N int32, 0-based), membership.npy (N × k float32, Bíla et al. 2025, eq. 4),
/// model.zip (the ML.NET model) and report.json (quality metrics) into the output folder, all at once when the command
/// succeeds (nothing is left behind on failure). A degenerate clustering (e.g. all rows equal) gets a
/// warning and undefined quality figures (null in report.json), not a failure. With <c>--method minibatch</c>,
/// and with <c>kmeans</c>/<c>spherical</c> when the file exceeds one array or <c>--block-rows</c> is given, a float32
/// file is streamed (fit, memberships and quality scores a block at a time), so it may be larger than memory;
/// only per-row labels (and for k-means distances) are held whole. Agglomerative clustering needs all its rows.
/// With <c>--verbose</c> the wall and CPU time of each stage (read, fit, outputs, memberships, model, report) go to stderr.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var activations = new Option<string>("--activations") { Description = "Activation matrix (.npy, N × d, or an Arrow file with one float32 list column).", Required = true };
        var method = new Option<string>("--method") { Description = "kmeans, spherical, minibatch or agglomerative. kmeans and spherical stream a float32 file above one array's size (or with --block-rows), minibatch always: data may exceed memory. Agglomerative holds its rows and distances.", DefaultValueFactory = _ => "kmeans" };
        var linkage = new Option<string>("--linkage") { Description = "Agglomerative linkage: ward, average or complete.", DefaultValueFactory = _ => "ward" };
        var metric = new Option<string?>("--metric") { Description = "euclidean or cosine (default: cosine for spherical, else euclidean)." };
        var k = new Option<int?>("--k") { Description = "Number of clusters." };
        var distance = new Option<double?>("--distance") { Description = "Agglomerative only: cut the dendrogram at this linkage distance instead of at k clusters." };
        var nInit = new Option<int>("--n-init") { Description = "k-means++ restarts (the lowest inertia is kept).", DefaultValueFactory = _ => 3 };
        var maxIter = new Option<int>("--max-iter") { Description = "Lloyd iterations per restart (mini-batch: passes over the data).", DefaultValueFactory = _ => 300 };
        var tol = new Option<double>("--tol") { Description = "Relative tolerance on the centre shift (scikit-learn's rule).", DefaultValueFactory = _ => 1e-4 };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch rows per step.", DefaultValueFactory = _ => 1024 };
        var maxRows = new Option<int>("--max-rows") { Description = "Agglomerative row limit (memory ≈ 2·N² bytes).", DefaultValueFactory = _ => AgglomerativeOptions.DefaultMaximumRows };
        var blockRows = new Option<int?>("--block-rows") { Description = "kmeans/spherical: stream the float32 file in blocks of this many rows (rounded up to a multiple of 4096; default: read whole when it fits one array, else about 64 MB blocks). Memory: B × d × 8 bytes + 16 bytes per row + k × d × 8 bytes per sum partition (≤ 8) + while seeding N × (2 + ln k) × 4 bytes if ≤ 256 MiB. Each Lloyd iteration and each k-means++ centre is one pass over the file." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var labels = new Option<string?>("--labels") { Description = "Optional true labels (.npy, N integers) for NMI and adjusted Rand index." };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var cmd = new Command("cluster", "Cluster activations (k-means, spherical, mini-batch or agglomerative) and write centroids, labels, memberships, model and report.");
        foreach (var o in new Option[] { activations, method, linkage, metric, k, distance, nInit, maxIter, tol, batch, maxRows, blockRows, seed, labels, output }) cmd.Options.Add(o);

        CliAction.Set(cmd, r =>
        {
            var clock = Stopwatch.StartNew();
            var stages = new StageTimes();
            string path = r.GetValue(activations)!;
            string m = r.GetValue(method)!.Trim().ToLowerInvariant();
            var geometry = ParseMetric(r.GetValue(metric), m);
            if (!File.Exists(path)) throw new ConceptDataException($"{path}: activation file not found.");
            // Mini-batch k-means always streams a float32 file; k-means and spherical k-means stream one that does not
            // fit in one array, or when --block-rows asks for it. Other dtypes (converted to float32) and
            // agglomerative clustering read the file whole.
            // An Arrow file is read whole (its reader holds it in memory anyway); a .npy is sized from its header.
            int n = 0, d = 0;
            float[]? x = ArrayFiles.DetectFormat(path) == ArrayFileFormat.Arrow ? MatrixFile.ReadWhole(path, out n, out d) : null;
            var (type, shape) = x is null ? NpyFile.ReadShape(path) : (NdType.Float32, new long[] { n, d });
            long values = shape.Aggregate(1L, (a, b) => a * b);
            int? blockSize = r.GetValue(blockRows);
            if (blockSize is < 1) throw new ConceptDataException($"--block-rows must be at least 1, got {blockSize}.");
            if (blockSize is not null && m is not ("kmeans" or "spherical")) throw new ConceptDataException("--block-rows applies only to --method kmeans or spherical.");
            bool streamLloyd = x is null && m is "kmeans" or "spherical" && (values > NpyFile.WholeLoadLimit || blockSize is not null);
            if (streamLloyd && type != NdType.Float32)
                throw new ConceptDataException($"{path}: --method {m} streams only float32 .npy files ({(blockSize is null ? $"{values} values are too many to read whole" : "--block-rows was given")}); save it as float32.");
            using var mapped = x is null && type == NdType.Float32 && (m == "minibatch" || streamLloyd) ? new MLContext().Data.LoadFromNpy(path) : null;
            var matrix = mapped is null ? null : ((MappedNpyColumn)mapped.Columns[0]).Matrix;
            if (mapped is not null) (n, d) = (checked((int)matrix!.Rows), matrix.Cols);
            else if (x is null)
            {
                if (values > NpyFile.WholeLoadLimit)
                    throw new ConceptDataException(m == "agglomerative"
                        ? $"{path}: {values} values are too many for --method agglomerative, which holds the rows (and their pairwise distances) in memory; kmeans, spherical and minibatch stream a float32 file of any size."
                        : $"{path}: {values} values are too many to read whole; save it as float32 to stream it.");
                x = NpyFile.ReadMatrix(path, out n, out d);
            }
            stages.Mark("read");
            string source = path;
            int? kk = r.GetValue(k);
            double? cut = r.GetValue(distance);
            if (cut is not null && m != "agglomerative") throw new ConceptDataException("--distance applies only to --method agglomerative.");
            if (kk is null && cut is null) throw new ConceptDataException("--k is required (or --distance with --method agglomerative).");
            int s = r.GetValue(seed);
            string link = r.GetValue(linkage)!.Trim().ToLowerInvariant();

            ClusteringResult result;
            switch (m)
            {
                case "kmeans":
                case "spherical":
                    var lloyd = new KMeansTrainer(new KMeansOptions
                    {
                        NumberOfClusters = kk!.Value, Metric = geometry, NumberOfInitializations = r.GetValue(nInit),
                        MaximumIterations = r.GetValue(maxIter), Tolerance = r.GetValue(tol), Seed = s, Progress = Console.Error.WriteLine,
                    });
                    if (x is not null) result = lloyd.FitMatrix(x, n, d, source);
                    else
                    {
                        using var file = MatrixFile.Open(path);
                        result = lloyd.FitFile(file, blockSize ?? MatrixFile.BlockRowsFor(d, 64L << 20));
                    }
                    break;
                case "minibatch":
                    result = new MiniBatchKMeansTrainer(new MiniBatchKMeansOptions
                    {
                        NumberOfClusters = kk!.Value, Metric = geometry, NumberOfInitializations = r.GetValue(nInit),
                        MaximumEpochs = r.GetValue(maxIter), Tolerance = r.GetValue(tol), BatchSize = r.GetValue(batch), Seed = s,
                        Progress = Console.Error.WriteLine,
                    }).FitStream(mapped ?? new ColumnDataView(new DenseArrayColumn("Features", x!, d)));
                    break;
                case "agglomerative":
                    result = new AgglomerativeTrainer(new AgglomerativeOptions
                    {
                        NumberOfClusters = cut is null ? kk : null, DistanceThreshold = cut, Metric = geometry,
                        Linkage = ParseLinkage(link), MaximumRows = r.GetValue(maxRows),
                        Progress = Console.Error.WriteLine,
                    }).FitMatrix(x!, n, d, source);
                    break;
                default:
                    throw new ConceptDataException($"--method must be kmeans, spherical, minibatch or agglomerative, got '{m}'.");
            }
            stages.Mark("fit");
            int[]? truth = null;
            if (r.GetValue(labels) is string labelPath)
            {
                var arr = NpyFile.Read(labelPath);
                if (arr.Rank != 1 || arr.Shape[0] != n) throw new ConceptDataException($"{labelPath}: labels have shape {arr.ShapeText}, expected ({n},) to match {path}.");
                truth = arr.ToInt32();
            }

            var model = new ClusteringTransformer(result.Centroids, result.K, d, "Features", geometry, m);
            string dir = r.GetValue(output)!;
            int nonEmpty = result.Labels.Distinct().Count();
            if (ClusterQuality.IsDegenerate(result.Labels))
                Console.Error.WriteLine($"warning: degenerate clustering: {nonEmpty} non-empty cluster(s) of {result.K} for {n} rows (are the rows all equal?); Davies–Bouldin and silhouette are undefined (NaN, null in report.json).");
            // Every output goes to a temporary folder first: a failure anywhere leaves the target untouched.
            using var outputs = OutputFolder.Begin(dir);
            NpyFile.WriteMatrix(outputs.File("centroids.npy"), result.Centroids, result.K, d);
            NpyFile.WriteVector(outputs.File("labels.npy"), result.Labels);
            stages.Mark("centroids and labels");
            var blocks = Blocks(x, matrix, n, d);
            using (var writer = new NpyStreamWriter(outputs.File("membership.npy"), result.K))
            {
                foreach (var (block, rows) in blocks()) model.Memberships(block.AsSpan(0, rows * d), rows, writer.Append);
                writer.Complete();
            }
            stages.Mark("memberships");
            // The ML.NET model (an OnnxTransformer of the centroids) for a schema with the Features column.
            new MLContext().Model.Save(model, new ColumnDataView(new DenseArrayColumn("Features", [], d)).Schema, outputs.File("model.zip"));
            stages.Mark("model");
            Action<long, Span<float>> readRow = matrix is null ? (row, into) => x.AsSpan((int)row * d, d).CopyTo(into) : (row, into) => matrix.Row(row).CopyTo(into);
            var report = Report(blocks, readRow, n, d, result, truth, geometry, m, link, s, clock.Elapsed.TotalSeconds, path);
            AtomicFile.WriteText(outputs.File("report.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            outputs.Commit();
            stages.Mark("report");
            if (r.GetValue(GlobalOptions.Verbose)) stages.Print(Console.Error);
            Console.WriteLine($"{m}: {n} rows × {d} → {result.K} clusters, inertia {result.Inertia:G6}, {result.Iterations} iterations, {clock.Elapsed.TotalSeconds:F1} s; wrote {dir}");
            return CliAction.Success;
        });
        return cmd;
    }

    /// <summary>The rows in order as (block, rows): the whole array, or 4096-row blocks of the memory-mapped file.</summary>
    private static Func<IEnumerable<(float[] Block, int Rows)>> Blocks(float[]? x, NpyMappedMatrix? mapped, int n, int d)
    {
        if (x is not null) return () => [(x, n)];
        return () => MappedBlocks(mapped!, n, d);
    }

    private static IEnumerable<(float[] Block, int Rows)> MappedBlocks(NpyMappedMatrix mapped, int n, int d)
    {
        const int blockRows = 4096;
        var block = new float[blockRows * d];
        for (int start = 0; start < n; start += blockRows)
        {
            int rows = Math.Min(blockRows, n - start);
            if (rows < blockRows) block = new float[rows * d]; // consumers take the block as exactly rows × d
            mapped.CopyRows(start, rows, block);
            yield return (block, rows);
        }
    }

    private static JsonObject Report(Func<IEnumerable<(float[] Block, int Rows)>> blocks, Action<long, Span<float>> readRow, int n, int d,
        ClusteringResult result, int[]? truth, ClusterMetric geometry, string method, string linkage, int seed, double seconds, string source)
    {
        // Davies–Bouldin is Euclidean; with the cosine metric it is taken on unit-normalised rows.
        Func<IEnumerable<(float[] Block, int Rows)>> scored = geometry == ClusterMetric.Cosine
            ? () => blocks().Select(b => (ClusterInput.NormalizeRows(b.Block.AsSpan(0, b.Rows * d).ToArray(), b.Rows, d, source), b.Rows))
            : blocks;
        int k = result.K;
        var o = new JsonObject
        {
            ["activations"] = source,
            ["method"] = method,
            ["metric"] = geometry.ToString().ToLowerInvariant(),
            ["rows"] = n,
            ["dimension"] = d,
            ["k"] = k,
            ["seed"] = seed,
            ["iterations"] = result.Iterations,
            ["converged"] = result.Converged,
            ["inertia"] = Figure(result.Inertia),
            ["seconds"] = seconds,
            ["label_base"] = 0,
            ["cluster_sizes"] = new JsonArray(Enumerable.Range(0, k).Select(j => (JsonNode)result.Labels.Count(l => l == j)).ToArray()),
        };
        if (method == "agglomerative") o["linkage"] = linkage;
        // A degenerate clustering (one non-empty cluster, or one per row) has no quality figures:
        // NaN, written as null because JSON has no NaN, and flagged so readers need not guess.
        bool degenerate = ClusterQuality.IsDegenerate(result.Labels);
        o["degenerate"] = degenerate;
        o["davies_bouldin"] = Figure(degenerate ? double.NaN : ClusterQuality.DaviesBouldin(scored, n, d, result.Labels));
        o["silhouette"] = Figure(degenerate ? double.NaN : ClusterQuality.Silhouette(readRow, n, d, result.Labels, geometry, ClusterQuality.DefaultSilhouetteSample, seed));
        o["silhouette_sampled"] = n > ClusterQuality.DefaultSilhouetteSample;
        if (truth is not null)
        {
            o["nmi"] = Figure(ClusterQuality.NormalizedMutualInformation(truth, result.Labels));
            o["adjusted_rand_index"] = Figure(ClusterQuality.AdjustedRandIndex(truth, result.Labels));
        }
        return o;
    }

    // JSON has no NaN or infinity: such figures are written as null, as in every other report.
    private static JsonNode? Figure(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static ClusterMetric ParseMetric(string? text, string method) => text?.Trim().ToLowerInvariant() switch
    {
        null => method == "spherical" ? ClusterMetric.Cosine : ClusterMetric.Euclidean,
        "euclidean" when method == "spherical" => throw new ConceptDataException("--method spherical uses the cosine metric; use --method kmeans for Euclidean."),
        "euclidean" => ClusterMetric.Euclidean,
        "cosine" => ClusterMetric.Cosine,
        var t => throw new ConceptDataException($"--metric must be euclidean or cosine, got '{t}'."),
    };

    private static Linkage ParseLinkage(string text) => text switch
    {
        "ward" => Linkage.Ward,
        "average" => Linkage.Average,
        "complete" => Linkage.Complete,
        _ => throw new ConceptDataException($"--linkage must be ward, average or complete, got '{text}'."),
    };
}
