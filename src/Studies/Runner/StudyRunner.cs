using System.Text.Json;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Explorer;
using MlNetConcepts.Studies.Bottleneck;
using MlNetConcepts.Studies.Report;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// The robustness study of Bíla et al. 2025, end to end: for every layer, SAEs and clusterers run side by
/// side on the same activations, the evaluators say where they agree (overlap, matches) and how
/// clean each concept is (MonoSemanticity), with Papadimitriou et al. 2025's energy, stability, modality and bridge
/// analyses; the results go to <c>summary.csv</c>, per-layer CSVs, one self-contained
/// <c>report.html</c> and the interactive <c>explorer.html</c>. Stages are cached by content hash, so an interrupted or extended study
/// resumes without recomputing.
/// </summary>
public sealed class StudyRunner
{
    private readonly Action<string> _log;

    /// <summary>Creates a runner; <paramref name="log"/> receives one line per stage.</summary>
    public StudyRunner(Action<string>? log = null)
    {
        _log = log ?? (_ => { });
    }

    /// <summary>Stages recomputed in the last run (the rest came from the cache).</summary>
    public int Recomputed { get; private set; }

    /// <summary>Stages reused from the cache in the last run.</summary>
    public int Reused { get; private set; }

    /// <summary>Paragraphs the report shows under its title (what the study ran on, what does not apply).</summary>
    public IReadOnlyList<string> ReportNotes { get; init; } = [];

    /// <summary>Extra sections (naming, heat maps…) run after the layers, in order, before the report is saved.</summary>
    public IReadOnlyList<IStudySection> Sections { get; init; } = [];

    /// <summary>Validates the config, runs the study and writes everything under <paramref name="outputDirectory"/>.</summary>
    public StudyResult Run(StudyConfig config, string outputDirectory)
    {
        // Everything that can be wrong with the inputs is found here, before any training starts.
        var facts = StudyValidator.Validate(config);
        var groundTruthPath = config.GroundTruth ?? AutoGroundTruth(config);
        var truth = groundTruthPath is null ? null : GroundTruth.Load(groundTruthPath);
        // The cache stays in place (it is how an interrupted study resumes); every result goes to a
        // temporary folder that replaces its namesakes in the output folder only once the study succeeded.
        var cache = new StudyCache(Path.Combine(outputDirectory, "cache"));
        using var outputs = OutputFolder.Begin(outputDirectory);
        AtomicFile.WriteText(outputs.File("config.json"), config.ToJson());

        var stages = new StudyStages(config, cache, _log);
        var inputsByMetadata = new Dictionary<(LayerMetadata, bool), StudyInputs>();
        var layers = new List<LayerResult>();
        var firstSae = new Dictionary<string, (SaeTransformer, float[])>();
        EvaluationReport? bottleneck = null;
        foreach (var layer in config.Layers)
        {
            string layerKey = cache.HashFile(layer.Path);
            var (_, shape) = NpyFile.ReadShape(layer.Path);
            if (shape[0] > Array.MaxLength)
                throw new ConceptDataException($"{layer.Path}: layer '{layer.Name}' has {shape[0]:N0} rows; a study keeps a label per row and handles at most {Array.MaxLength:N0}.");
            int rows = (int)shape[0], width = (int)shape[1];
            // The stages that hold a layer or its codes in memory (sections, analysis, collages, bottleneck) share
            // one read of each file per layer, whichever needs it first.
            var codesRead = new Dictionary<string, float[]>();
            float[] Codes(string path) => codesRead.TryGetValue(path, out var c) ? c : codesRead[path] = ReadCodes(path);
            var layerMatrix = new Lazy<float[]>(() => NpyFile.ReadMatrix(layer.Path, out _, out _));
            // Training and clustering read the layer file in blocks whatever its size.
            var saes = config.Saes.Select(spec => (spec, (IReadOnlyList<(SaeTransformer Sae, string CodesPath)>)Enumerable.Range(0, config.Seeds)
                .Select(s => stages.Sae(layerKey, layer, rows, width, spec, s)).ToList())).ToList();
            // The sections (naming, heat maps) work on the first SAE's codes in memory, so they are read
            // whole only when a section runs (the quickstart's layers are small; a streamed study without sections never loads them).
            if (Sections.Count > 0 && saes.Count > 0 && saes[0].Item2.Count > 0)
                firstSae[layer.Name] = (saes[0].Item2[0].Sae, Codes(saes[0].Item2[0].CodesPath));
            var clusters = config.Clusters.Select(spec => (spec, stages.Clusters(layerKey, layer, rows, width, spec))).ToList();

            // The analysis itself is cached too: its key covers the layer, every upstream stage and the config.
            string analysisKey = StudyCache.Key("analysis", layerKey, config.ToJson(), truth?.PlantedLayer ?? "");
            var layerResult = cache.GetOrCompute("analysis", analysisKey, tmp =>
            {
                var metadata = config.MetadataFor(layer);
                bool whole = FitsInMemory(rows, width, saes, metadata);
                _log($"[{layer.Name}] evaluating{(whole ? "" : $" in blocks of rows (the layer, its codes or embeddings exceed {NpyFile.WholeLoadLimit:N0} values)")}");
                if (!inputsByMetadata.TryGetValue((metadata, whole), out var inputs)) inputsByMetadata[(metadata, whole)] = inputs = StudyInputs.Read(metadata, embeddings: whole);
                var result = whole
                    ? new LayerAnalysis(config, inputs).Analyse(layer.Name, layerMatrix.Value, rows, width,
                        saes.Select(p => (p.spec, (IReadOnlyList<(SaeTransformer, float[])>)p.Item2.Select(s => (s.Sae, Codes(s.CodesPath))).ToList())).ToList(),
                        clusters, truth)
                    : new StreamingLayerAnalysis(config, inputs, metadata.Embeddings).Analyse(layer.Name, layer.Path, rows, width, saes, clusters, truth);
                AtomicFile.WriteText(Path.Combine(tmp, "layer.json"), JsonSerializer.Serialize(result, ResultJson));
            }, dir =>
            {
                var path = Path.Combine(dir, "layer.json");
                var cached = JsonSerializer.Deserialize<LayerResult>(File.ReadAllText(path), ResultJson);
                if (cached is null || cached.Layer != layer.Name || cached.Rows != rows)
                    throw new ConceptDataException($"{path}: cached analysis is not of layer {layer.Name} with {rows} rows.");
                return cached;
            });
            StudyTables.WriteLayer(layerResult, outputs.File(layer.Name));
            var images = StudyImageSource.Open(config.MetadataFor(layer).Images);
            // The collages rank the first seed's codes in memory; the writer reads them only when the layer has images.
            foreach (var (spec, seeds) in saes)
                ExplorerStudyWriter.Write(outputs.File(layer.Name), StudyNames.Of(spec), seeds.Select(s => s.Sae).ToList(), () => Codes(seeds[0].CodesPath), rows, images);
            layers.Add(layerResult);
            if (config.Bottleneck is { } b && b.Layer == layer.Name)
            {
                var (spec, runs) = saes[0];
                var (sae, codesPath) = runs[0];
                _log($"[{layer.Name}] concept bottleneck: L-BFGS maximum entropy on raw activations, all {sae.Latents} codes of {StudyNames.Of(spec)} and the top-m concepts");
                var labels = NpyFile.Read(config.MetadataFor(layer).Labels!).ToInt32();
                // The bottleneck's L-BFGS fits hold the layer and the codes in memory, so only this stage loads
                // them whole (and only on the layer it is asked for); the analysis above streamed them.
                bottleneck = ConceptBottleneck.Run(layerMatrix.Value, width, Codes(codesPath), sae.Latents, labels, b.Options(config.Seed))
                    .WithParameter("layer", layer.Name).WithParameter("sae", StudyNames.Of(spec));
                ReportText.SaveCsv(bottleneck.Table, outputs.File("bottleneck.csv"));
            }
        }

        var summary = StudyTables.Summary(layers);
        var result = new StudyResult(config, layers, facts.Rows, summary) { Bottleneck = bottleneck };
        ReportText.SaveCsv(summary, outputs.File("summary.csv"));
        AtomicFile.WriteText(outputs.File("summary.json"), ReportText.Json(new EvaluationReport(StudyResult.SummaryTitle, summary)));
        var sectionContext = new StudySectionContext(config, layers, outputs.Path,
            name => firstSae.TryGetValue(name, out var s) ? s : null, _log);
        StudyReportWriter.Write(result, summary, outputs.Path, config, ReportNotes, html =>
        {
            foreach (var section in Sections) section.Write(sectionContext, html);
        });
        // After the sections: the explorer shows what they wrote (names, types, heat maps).
        ExplorerPage.Write(outputs.Path, outputs.File(ExplorerFiles.Page), _log);
        outputs.Commit();
        Recomputed = cache.Recomputed;
        Reused = cache.Reused;
        _log($"study done: {cache.Recomputed} stages computed, {cache.Reused} reused; report at {Path.Combine(outputDirectory, "report.html")}");
        return result;
    }

    /// <summary>JSON settings for cached results (NaN is a legitimate value: dead neurons).</summary>
    internal static readonly JsonSerializerOptions ResultJson = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>
    /// Whether the layer, every SAE's codes and the embeddings each fit in one array
    /// (<see cref="NpyFile.WholeLoadLimit"/> values): then the evaluators run on them in memory,
    /// otherwise <see cref="StreamingLayerAnalysis"/> reads them in blocks of rows.
    /// </summary>
    private static bool FitsInMemory(int rows, int width, IEnumerable<(SaeSpec, IReadOnlyList<(SaeTransformer Sae, string CodesPath)> Seeds)> saes, LayerMetadata metadata)
    {
        long widest = Math.Max(width, saes.SelectMany(p => p.Seeds).Select(s => s.Sae.Latents).DefaultIfEmpty(0).Max());
        if ((long)rows * widest > NpyFile.WholeLoadLimit) return false;
        if (metadata.Embeddings is null) return true;
        var (_, shape) = NpyFile.ReadShape(metadata.Embeddings);
        return shape.Aggregate(1L, (a, b) => a * b) <= NpyFile.WholeLoadLimit;
    }

    /// <summary>A cached SAE's dense codes (rows × latents), read whole for the stages that need them in memory.</summary>
    private static float[] ReadCodes(string codesPath) => NpyFile.ReadMatrix(codesPath, out _, out _);

    private static string? AutoGroundTruth(StudyConfig config)
    {
        var candidate = Path.Combine(Path.GetDirectoryName(config.Layers[0].Path)!, "ground_truth.json");
        return File.Exists(candidate) ? candidate : null;
    }
}

/// <summary>What a study produced.</summary>
/// <param name="Config">The resolved config.</param>
/// <param name="Layers">Per-layer results.</param>
/// <param name="Rows">Rows per layer.</param>
/// <param name="Summary">The layer-wise summary (also written as summary.csv).</param>
/// <remarks><see cref="Bottleneck"/> is the concept-bottleneck stage's result when the config asks for it (also bottleneck.csv).</remarks>
public sealed record StudyResult(StudyConfig Config, IReadOnlyList<LayerResult> Layers, long Rows, DataFrame Summary)
{
    /// <summary>The summary's title (in summary.json, the report and the console).</summary>
    public const string SummaryTitle = "layer-wise summary";

    /// <summary>The concept-bottleneck study (<see cref="ConceptBottleneck"/>), or null when the stage is off.</summary>
    public EvaluationReport? Bottleneck { get; init; }

    /// <summary>One line on the bottleneck: raw, all-codes and selected top-m accuracies (null when the stage is off).</summary>
    public string? BottleneckLine()
    {
        if (Bottleneck is null) return null;
        var t = Bottleneck.Table;
        var (kind, m, acc) = (t.Strings("features"), t.Int32s("m"), t.Doubles("accuracy"));
        string P(double a) => (a * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";
        var top = Enumerable.Range(0, kind.Length).Where(i => kind[i] == "top_m").Where(i => m[i] is 1 or 8 or 64 || i == kind.Length - 1).Distinct()
            .Select(i => $"top-{m[i]} {P(acc[i])}");
        return $"Concept bottleneck on {Bottleneck.ParameterText("layer")} ({Bottleneck.ParameterText("test_rows")} test rows): raw activations {P(acc[Array.IndexOf(kind, "raw")])}, " +
               $"all {m[Array.IndexOf(kind, "all_codes")]} SAE codes {P(acc[Array.IndexOf(kind, "all_codes")])}, {string.Join(", ", top)}.";
    }
}
