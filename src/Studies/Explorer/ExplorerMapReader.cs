using System.Text.Json;
using Microsoft.Data.Analysis;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Layout;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// Reads a study output folder into explorer maps (the contract is docs/EXPLORER.md): every layer
/// folder with a <c>features_&lt;sae&gt;.csv</c> and that SAE's seed-0 decoder gives one map. The atoms
/// are laid out by <see cref="Umap"/> (cosine, 15 neighbours, seed 1) and the layout's
/// trustworthiness T(5) is measured; optional files (naming, bridges, matchings, stability seed,
/// pictures) fill in the rest, and their absence becomes a note instead of an error.
/// </summary>
public static class ExplorerMapReader
{
    /// <summary>Largest dictionary whose layout trustworthiness is measured (it costs O(K²·d)).</summary>
    public const int TrustworthinessLimit = 4096;

    /// <summary>Neighbours of the trustworthiness measure.</summary>
    public const int TrustworthinessK = 5;

    /// <summary>The maps of a study folder, layers in name order.</summary>
    public static IReadOnlyList<ExplorerMap> Read(string studyDir, Action<string>? log = null)
    {
        if (!Directory.Exists(studyDir)) throw new ConceptDataException($"{studyDir}: study folder not found.");
        var config = Config(studyDir);
        double tau = Tau(config);
        var sections = ExplorerSectionFiles.Read(studyDir, config);
        var maps = new List<ExplorerMap>();
        foreach (var layerDir in Directory.GetDirectories(studyDir).Order(StringComparer.Ordinal))
        {
            foreach (var features in Directory.GetFiles(layerDir, "features_*.csv").Order(StringComparer.Ordinal))
            {
                var sae = Path.GetFileNameWithoutExtension(features)["features_".Length..];
                if (!File.Exists(Path.Combine(layerDir, ExplorerFiles.Decoder(sae, 0)))) continue;
                log?.Invoke($"[{Path.GetFileName(layerDir)}] laying out {sae}");
                maps.Add(ReadMap(studyDir, layerDir, sae, tau, sections));
            }
        }
        if (maps.Count == 0)
            throw new ConceptDataException($"{studyDir}: no layer folder with features_<sae>.csv and {ExplorerFiles.Decoder("<sae>", 0)}; is this a study output folder (mlnc study --out)?");
        return maps;
    }

    private static JsonElement? Config(string studyDir)
    {
        var config = Path.Combine(studyDir, "config.json");
        if (!File.Exists(config)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        return doc.RootElement.Clone();
    }

    // The study writes its config in snake case ("tau"); hand-written folders may say "Tau".
    private static double Tau(JsonElement? config)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c) return 0.5;
        foreach (var p in c.EnumerateObject())
            if (p.Name.Equals("tau", StringComparison.OrdinalIgnoreCase) && p.Value.TryGetDouble(out var v)) return v;
        return 0.5;
    }

    private static ExplorerMap ReadMap(string studyDir, string layerDir, string sae, double tau, ExplorerSectionFiles sections)
    {
        string layer = Path.GetFileName(layerDir);
        var notes = new List<string>();
        var table = ExplorerCsv.Read(Path.Combine(layerDir, ExplorerFiles.Features(sae)));
        var decoderPath = Path.Combine(layerDir, ExplorerFiles.Decoder(sae, 0));
        var decoder = NpyFile.ReadMatrix(decoderPath, out int k, out int width);
        if (table.Rows != k) throw new ConceptDataException($"{table.Path}: {table.Rows} rows, but {decoderPath} has {k} concepts.");

        var feature = new int[k];
        var energy = new double[k];
        var ms = Filled(k, double.NaN);
        var modality = Filled(k, double.NaN);
        var margin = Filled(k, double.NaN);
        var label = Filled(k, "");
        var type = Filled(k, "");
        for (int r = 0; r < k; r++)
        {
            feature[r] = table.Integer(r, "feature");
            if (feature[r] != r) throw new ConceptDataException($"{table.Path}: line {r + 2} is feature {feature[r]}, expected {r} (one row per concept, in order).");
            energy[r] = table.Number(r, "energy");
            if (table.Has("ms")) ms[r] = table.Number(r, "ms");
            if (table.Has("modality")) modality[r] = table.Number(r, "modality");
        }
        ReadNaming(table, label, margin, type);
        // Later sources override earlier ones: the study's naming section, then an explicit naming_<sae>.csv.
        if (sections.Naming(layer, sae) is { } studyNaming) ReadNaming(ExplorerCsv.Read(studyNaming), label, margin, type);
        var naming = Path.Combine(layerDir, ExplorerFiles.Naming(sae));
        if (File.Exists(naming)) ReadNaming(ExplorerCsv.Read(naming), label, margin, type);
        if (label.All(string.IsNullOrEmpty)) notes.Add("no concept names in this run");
        if (type.All(string.IsNullOrEmpty)) notes.Add("no visual/textual/multimodal typing in this run");
        if (modality.All(double.IsNaN)) notes.Add("no modality scores in this run (the layer has no modality column)");

        var options = new UmapOptions { Neighbors = Math.Min(15, Math.Max(2, k - 1)), Metric = LayoutMetric.Cosine, Seed = 1 };
        var xy = Umap.Fit(decoder, k, width, options);
        double trust = k > 2 * TrustworthinessK && k <= TrustworthinessLimit
            ? Trustworthiness.Compute(decoder, k, width, xy, 2, TrustworthinessK, LayoutMetric.Cosine) : double.NaN;

        var stability = Filled(k, double.NaN);
        var secondPath = Path.Combine(layerDir, ExplorerFiles.Decoder(sae, 1));
        if (File.Exists(secondPath))
        {
            var second = NpyFile.ReadMatrix(secondPath, out int k2, out int w2);
            if (w2 != width) throw new ConceptDataException($"{secondPath}: width {w2}, but {decoderPath} has width {width}.");
            var match = Stability.Compare(DenseMatrix.Create(decoder, k, width, decoderPath), DenseMatrix.Create(second, k2, w2, secondPath));
            var a = match.Table.Int32s("concept_a");
            var cos = match.Table.Doubles("cosine");
            for (int i = 0; i < a.Length; i++) stability[a[i]] = cos[i];
        }
        else notes.Add("one seed only: no stability across seeds");

        var cluster = Filled(k, "");
        var overlap = Filled(k, double.NaN);
        var prefix = ExplorerFiles.OneToOnePrefix(sae);
        var matchings = Directory.GetFiles(layerDir, prefix + "*.csv").Order(StringComparer.Ordinal).ToList();
        foreach (var path in matchings)
        {
            var clusterer = Path.GetFileNameWithoutExtension(path)[prefix.Length..];
            var m = ExplorerCsv.Read(path);
            for (int r = 0; r < m.Rows; r++)
            {
                int f = m.Integer(r, "feature");
                if (f < 0 || f >= k) throw new ConceptDataException($"{path}: line {r + 2}: feature {f} is outside 0..{k - 1}.");
                double o = m.Number(r, "overlap");
                if (double.IsNaN(overlap[f]) || o > overlap[f]) { overlap[f] = o; cluster[f] = $"{clusterer} #{m.Integer(r, "cluster")}"; }
            }
        }
        if (matchings.Count == 0) notes.Add("no clusterer matchings in this run");

        var bridges = new List<ExplorerBridge>();
        var bridgePath = Path.Combine(layerDir, ExplorerFiles.Bridges(sae));
        if (File.Exists(bridgePath))
        {
            var b = ExplorerCsv.Read(bridgePath);
            for (int r = 0; r < b.Rows; r++)
            {
                int i = b.Integer(r, "i"), j = b.Integer(r, "j");
                if (i < 0 || i >= k || j < 0 || j >= k) throw new ConceptDataException($"{bridgePath}: line {r + 2}: pair ({i}, {j}) is outside 0..{k - 1}.");
                bridges.Add(new ExplorerBridge(i, j, b.Number(r, "bridge")));
            }
        }
        else notes.Add("no bridge scores in this run (the layer has no image–text pairs)");

        var pictures = Pictures(studyDir, layerDir, sae, k, sections.HeatMaps(layer, sae));
        if (!pictures.Values.Any(p => p.Collage is not null)) notes.Add("no collages in this run");
        if (!pictures.Values.Any(p => p.HeatMaps.Count > 0)) notes.Add("no heat maps in this run");

        double total = energy.Where(double.IsFinite).Sum();
        var frame = new DataFrame(
            new PrimitiveDataFrameColumn<int>("feature", feature),
            new PrimitiveDataFrameColumn<float>("x", Enumerable.Range(0, k).Select(i => xy[2 * i])),
            new PrimitiveDataFrameColumn<float>("y", Enumerable.Range(0, k).Select(i => xy[2 * i + 1])),
            new PrimitiveDataFrameColumn<double>("energy", energy),
            new PrimitiveDataFrameColumn<double>("energy_share", energy.Select(e => total > 0 ? e / total : double.NaN)),
            new PrimitiveDataFrameColumn<double>("ms", ms),
            new PrimitiveDataFrameColumn<double>("modality", modality),
            new StringDataFrameColumn("label", label),
            new PrimitiveDataFrameColumn<double>("margin", margin),
            new StringDataFrameColumn("type", type),
            new PrimitiveDataFrameColumn<double>("stability", stability),
            new StringDataFrameColumn("cluster", cluster),
            new PrimitiveDataFrameColumn<double>("overlap", overlap),
            new PrimitiveDataFrameColumn<bool>("matched", overlap.Select(o => o >= tau)));
        return new ExplorerMap(layer, sae, frame, bridges, pictures, trust, notes);
    }

    private static void ReadNaming(ExplorerCsv t, string[] label, double[] margin, string[] type)
    {
        bool hasLabel = t.Has("label"), hasMargin = t.Has("margin"), hasType = t.Has("type");
        if (!hasLabel && !hasMargin && !hasType) return;
        // The naming section (docs/NAMING.md) calls the index "concept"; the explorer's own files say "feature".
        string key = t.Has("feature") || !t.Has("concept") ? "feature" : "concept";
        for (int r = 0; r < t.Rows; r++)
        {
            int f = t.Integer(r, key);
            if (f < 0 || f >= label.Length) throw new ConceptDataException($"{t.Path}: line {r + 2}: feature {f} is outside 0..{label.Length - 1}.");
            if (hasLabel) label[f] = t.Text(r, "label");
            if (hasMargin) margin[f] = t.Number(r, "margin");
            if (hasType) type[f] = t.Text(r, "type").Trim().ToLowerInvariant();
        }
    }

    private static Dictionary<int, ConceptPictures> Pictures(string studyDir, string layerDir, string sae, int k, IReadOnlyList<(int Feature, string File)> sectionHeatMaps)
    {
        var result = new Dictionary<int, ConceptPictures>();
        var folder = Path.Combine(layerDir, ExplorerFiles.ConceptFolder(sae));
        if (Directory.Exists(folder)) AddConceptFolder(result, studyDir, folder, k);
        foreach (var (f, file) in sectionHeatMaps)
        {
            if (f < 0 || f >= k) throw new ConceptDataException($"{Path.Combine(studyDir, ExplorerFiles.StudyHeatMaps)}: feature {f} is outside 0..{k - 1} of {sae} on {Path.GetFileName(layerDir)}.");
            var old = result.GetValueOrDefault(f);
            result[f] = new ConceptPictures(old?.Collage, [.. old?.HeatMaps ?? [], file]);
        }
        return result;
    }

    private static void AddConceptFolder(Dictionary<int, ConceptPictures> result, string studyDir, string folder, int k)
    {
        var files = Directory.GetFiles(folder, "*.png").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        string Rel(string name) => Path.GetRelativePath(studyDir, Path.Combine(folder, name));
        for (int f = 0; f < k; f++)
        {
            var collage = ExplorerFiles.Collage(f);
            var heat = ExplorerFiles.HeatMapPrefix(f);
            string? c = files.Contains(collage) ? Rel(collage) : null;
            var h = files.Where(n => n.StartsWith(heat, StringComparison.Ordinal)).Select(Rel).ToList();
            if (c is not null || h.Count > 0) result[f] = new ConceptPictures(c, h);
        }
    }

    private static T[] Filled<T>(int n, T value)
    {
        var a = new T[n];
        Array.Fill(a, value);
        return a;
    }
}
