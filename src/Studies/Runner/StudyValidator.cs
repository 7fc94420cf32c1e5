using System.Text.RegularExpressions;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// Checks a study config against its files before any long computation starts: every file
/// exists and has the right shape, row counts agree, metadata values are valid, and every SAE
/// variant and clustering method is known. Errors name the file or option at fault.
/// </summary>
public static partial class StudyValidator
{
    /// <summary>Known clustering methods.</summary>
    public static readonly string[] ClusterMethods = ["kmeans", "spherical", "minibatch", "agglomerative"];

    /// <summary>Validated facts about the inputs.</summary>
    /// <param name="Rows">Rows shared by every layer and metadata file.</param>
    /// <param name="Widths">Width of each layer, by name.</param>
    public sealed record Facts(long Rows, IReadOnlyDictionary<string, int> Widths);

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex LayerName();

    /// <summary>Validates; returns the row count and widths or throws a <see cref="ConceptDataException"/>.</summary>
    public static Facts Validate(StudyConfig c)
    {
        if (c.Layers.Count == 0) throw new ConceptDataException("study: no layer given (a layer is NAME=X.npy, activations rows × width).", ["layer"]);
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowsOf = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var layer in c.Layers)
        {
            if (!LayerName().IsMatch(layer.Name) || layer.Name is "." or "..")
                throw new ConceptDataException($"study: layer name '{layer.Name}' may only contain letters, digits, '-', '_' and '.'.");
            if (widths.ContainsKey(layer.Name)) throw new ConceptDataException($"study: layer '{layer.Name}' is given twice.");
            var (type, shape) = NpyFile.ReadShape(layer.Path);
            if (shape.Length != 2) throw new ConceptDataException($"{layer.Path}: layer '{layer.Name}' must be a 2-D array (rows × width), but its shape is ({string.Join(", ", shape)}).");
            if (type is not (NdType.Float32 or NdType.Float64 or NdType.Float16))
                throw new ConceptDataException($"{layer.Path}: layer '{layer.Name}' must hold floats, not {NdArray.NumpyName(type)}.");
            if (shape[0] < 2) throw new ConceptDataException($"{layer.Path}: layer '{layer.Name}' has {shape[0]} rows; a study needs data.");
            widths[layer.Name] = checked((int)shape[1]);
            rowsOf[layer.Name] = shape[0];
            CheckMetadata(c.MetadataFor(layer), layer.Name, shape[0]);
        }
        if (c.Bottleneck is { } b)
        {
            var layer = c.Layers.FirstOrDefault(l => l.Name == b.Layer)
                ?? throw new ConceptDataException($"study: the bottleneck layer '{b.Layer}' is not one of the layers ({string.Join(", ", c.Layers.Select(l => l.Name))}).", ["bottleneck"]);
            if (c.MetadataFor(layer).Labels is null) throw new ConceptDataException($"study: the bottleneck layer '{b.Layer}' has no labels to classify.", ["bottleneck"]);
            if (c.Saes.Count == 0) throw new ConceptDataException("study: the bottleneck stage needs an SAE.", ["bottleneck"]);
        }
        // Layers without metadata of their own describe the same rows: their counts must agree.
        var plain = c.Layers.Where(l => l.Embeddings is null && l.Modality is null && l.Pairs is null && l.Labels is null && l.Images is null).ToList();
        foreach (var l in plain.Skip(1))
            if (rowsOf[l.Name] != rowsOf[plain[0].Name])
                throw new ConceptDataException($"{l.Path}: layer '{l.Name}' has {rowsOf[l.Name]} rows but layer '{plain[0].Name}' has {rowsOf[plain[0].Name]}; rows must be aligned (or give the layer its own metadata).");
        long rows = rowsOf[c.Layers[0].Name];
        if (c.GroundTruth is not null && !File.Exists(c.GroundTruth)) throw new ConceptDataException($"{c.GroundTruth}: ground-truth file not found.");

        if (c.Saes.Count == 0 && c.Clusters.Count == 0) throw new ConceptDataException("study: nothing to run (no sae and no clusters).", ["sae", "clusters"]);
        foreach (var s in c.Saes)
        {
            if (!SaeVariants.Contains(s.Arch)) throw new ConceptDataException($"study: unknown SAE variant '{s.Arch}' (known: {string.Join(", ", SaeVariants.Names)}).");
            if (s.Expansion < 1) throw new ConceptDataException($"study: SAE {s}: expansion must be at least 1.");
            bool usesK = SaeVariants.Create(s.Arch).UsesK;
            if (s.K < 1 && usesK) throw new ConceptDataException($"study: SAE {s}: k must be at least 1.");
            foreach (var (name, w) in widths)
                if (usesK && s.K >= s.Expansion * w) throw new ConceptDataException($"study: SAE {s}: k={s.K} must be smaller than the SAE width {s.Expansion * w} of layer '{name}'.");
            if (s.Steps < 0 || s.Batch < 1) throw new ConceptDataException($"study: SAE {s}: steps must be ≥ 0 and batch ≥ 1.");
        }
        foreach (var cl in c.Clusters)
        {
            if (!ClusterMethods.Contains(cl.Method)) throw new ConceptDataException($"study: unknown clustering method '{cl.Method}' (known: {string.Join(", ", ClusterMethods)}).");
            if (cl.K < 2) throw new ConceptDataException($"study: clusters {cl}: k must be at least 2.");
            long n = cl.Method == "agglomerative" ? Math.Min(rows, c.AgglomerativeSample) : rows;
            if (cl.K > n) throw new ConceptDataException($"study: clusters {cl}: k={cl.K} exceeds the {n} rows it would cluster.");
            if (cl.Method == "agglomerative" && cl.Linkage is not ("ward" or "average" or "complete"))
                throw new ConceptDataException($"study: clusters {cl}: unknown linkage '{cl.Linkage}' (ward, average, complete).");
        }
        if (c.Seeds < 1) throw new ConceptDataException($"study: seeds must be at least 1, got {c.Seeds}.");
        if (c.Tau is <= 0 or > 1) throw new ConceptDataException($"study: tau must lie in (0, 1], got {c.Tau}.");
        if (c.TopN < 2) throw new ConceptDataException($"study: top-n must be at least 2, got {c.TopN}.");
        return new Facts(rows, widths);
    }

    private static void CheckMetadata(LayerMetadata m, string layer, long rows)
    {
        CheckRows(m.Embeddings, "embeddings", layer, rows, twoD: true);
        if (CheckRows(m.Modality, "modality", layer, rows, twoD: false) is not null
            && NpyFile.Read(m.Modality!).ToInt64().FirstOrDefault(v => v is not (0 or 1), -1) is long bad and not -1)
            throw new ConceptDataException($"{m.Modality}: modality values must be 0 (image) or 1 (text); found {bad}.");
        CheckRows(m.Pairs, "pairs", layer, rows, twoD: false);
        CheckRows(m.Labels, "labels", layer, rows, twoD: false);
        if (m.Pairs is not null && m.Modality is null)
            throw new ConceptDataException($"study: layer '{layer}' has pairs but no modality (a pair joins an image row and a text row).");
        if (m.Images is { } img)
        {
            if (img.Idx is null == (img.Directory is null)) throw new ConceptDataException($"study: images of layer '{layer}' need exactly one of 'idx' or 'directory'.");
            if (img.Idx is not null && !File.Exists(img.Idx)) throw new ConceptDataException($"{img.Idx}: image file not found.");
            if (img.Directory is not null && !Directory.Exists(img.Directory)) throw new ConceptDataException($"{img.Directory}: image folder not found.");
            CheckRows(img.Index, "image index", layer, rows, twoD: false);
        }
    }

    private static long[]? CheckRows(string? path, string what, string layer, long rows, bool twoD)
    {
        if (path is null) return null;
        var (_, shape) = NpyFile.ReadShape(path);
        if (twoD ? shape.Length != 2 : shape.Length != 1 && !(shape.Length == 2 && shape[1] == 1))
            throw new ConceptDataException($"{path}: {what} must be {(twoD ? "a 2-D array" : "a 1-D array")}, but its shape is ({string.Join(", ", shape)}).");
        if (shape[0] != rows)
            throw new ConceptDataException($"{path}: {what} has {shape[0]} rows but layer '{layer}' has {rows}; rows must be aligned.");
        return shape;
    }
}
