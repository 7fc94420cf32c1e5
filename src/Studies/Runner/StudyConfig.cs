using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// What a robustness study runs (Bíla et al. 2025's three stages, plus Papadimitriou et al. 2025's stability, modality and
/// bridge analyses). Read from <c>study.json</c> or built from plain CLI flags; paths are
/// relative to the config file's folder.
/// </summary>
public sealed record StudyConfig
{
    /// <summary>One activation set per layer, rows aligned across layers and metadata.</summary>
    public List<StudyLayer> Layers { get; init; } = new();

    /// <summary>Optional auxiliary image embeddings (rows × e) for MonoSemanticity (Pach et al. 2025, eq. 9).</summary>
    public string? Embeddings { get; init; }

    /// <summary>Optional modality per row (int .npy: 0 = image, 1 = text), for modality scores.</summary>
    public string? Modality { get; init; }

    /// <summary>Optional pair id per row (int .npy): rows sharing an id are an aligned image–text pair, for bridge scores.</summary>
    public string? Pairs { get; init; }

    /// <summary>Optional class label per row (int .npy), for NMI/ARI of the clusters.</summary>
    public string? Labels { get; init; }

    /// <summary>Optional images referenced by the rows, for collages.</summary>
    public StudyImages? Images { get; init; }

    /// <summary>Optional ground-truth file written by <c>mlnc synth multimodal</c> (found automatically beside the first layer).</summary>
    public string? GroundTruth { get; init; }

    /// <summary>SAEs to train per layer.</summary>
    public List<SaeSpec> Saes { get; init; } = new();

    /// <summary>Clusterers to fit per layer.</summary>
    public List<ClusterSpec> Clusters { get; init; } = new();

    /// <summary>Seeds per SAE (≥ 2 gives stability, Papadimitriou et al. 2025, eq. 4).</summary>
    public int Seeds { get; init; } = 2;

    /// <summary>Overlap threshold τ: a cluster and a feature match when O_jk ≥ τ (Bíla et al. 2025, §4).</summary>
    public double Tau { get; init; } = 0.5;

    /// <summary>N of the top-N MonoSemanticity variant and of the collages.</summary>
    public int TopN { get; init; } = 16;

    /// <summary>Energy-ranked concepts kept for the restricted stability (top-M).</summary>
    public int StabilityTopM { get; init; } = 32;

    /// <summary>Rows sampled for agglomerative clustering (it is exact and quadratic in memory).</summary>
    public int AgglomerativeSample { get; init; } = 3000;

    /// <summary>Matched pairs shown with collages and core representatives.</summary>
    public int ReportPairs { get; init; } = 8;

    /// <summary>Seed of every random choice in the study.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Optional concept-bottleneck stage on one labelled layer (null: off).</summary>
    public StudyBottleneck? Bottleneck { get; init; }

    /// <summary>Serializer settings: camelCase or snake_case keys both read; comments and trailing commas allowed.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a config file and resolves relative paths against its folder.</summary>
    public static StudyConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: study config not found.");
        StudyConfig? c;
        try { c = JsonSerializer.Deserialize<StudyConfig>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new ConceptDataException($"{path}: invalid study config ({e.Message}).", e); }
        if (c is null) throw new ConceptDataException($"{path}: the study config is empty.");
        return c.ResolvePaths(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The metadata files that apply to a layer.</summary>
    public LayerMetadata MetadataFor(StudyLayer layer) => new(
        layer.Embeddings ?? Embeddings, layer.Modality ?? Modality, layer.Pairs ?? Pairs, layer.Labels ?? Labels, layer.Images ?? Images);

    /// <summary>The config with every relative path made absolute against <paramref name="baseDir"/>.</summary>
    public StudyConfig ResolvePaths(string baseDir)
    {
        string? R(string? p) => p is null ? null : Path.GetFullPath(p, baseDir);
        StudyImages? Img(StudyImages? i) => i is null ? null : i with { Idx = R(i.Idx), Directory = R(i.Directory), Index = R(i.Index) };
        return this with
        {
            Layers = Layers.Select(l => l with
            {
                Path = R(l.Path)!, Embeddings = R(l.Embeddings), Modality = R(l.Modality), Pairs = R(l.Pairs), Labels = R(l.Labels), Images = Img(l.Images),
            }).ToList(),
            Embeddings = R(Embeddings),
            Modality = R(Modality),
            Pairs = R(Pairs),
            Labels = R(Labels),
            GroundTruth = R(GroundTruth),
            Images = Img(Images),
        };
    }

    /// <summary>The config as JSON (written to the output as the resolved config).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>
/// A layer's activation file, with optional per-layer metadata that replaces the study-wide one
/// (e.g. a joint-embedding layer holding images and captions beside image-only block layers).
/// </summary>
/// <param name="Name">Layer name used in outputs (letters, digits, '-', '_', '.').</param>
/// <param name="Path">A 2-D float <c>.npy</c> (rows × width).</param>
public sealed record StudyLayer(string Name, string Path)
{
    /// <summary>Embeddings for this layer's rows (instead of the study's).</summary>
    public string? Embeddings { get; init; }
    /// <summary>Modality for this layer's rows.</summary>
    public string? Modality { get; init; }
    /// <summary>Pair ids for this layer's rows.</summary>
    public string? Pairs { get; init; }
    /// <summary>Labels for this layer's rows.</summary>
    public string? Labels { get; init; }
    /// <summary>Images behind this layer's rows.</summary>
    public StudyImages? Images { get; init; }
}

/// <summary>The metadata that applies to one layer's rows (its own, else the study's).</summary>
/// <param name="Embeddings">Auxiliary embeddings file.</param>
/// <param name="Modality">Modality file.</param>
/// <param name="Pairs">Pair-id file.</param>
/// <param name="Labels">Label file.</param>
/// <param name="Images">Images behind the rows.</param>
public sealed record LayerMetadata(string? Embeddings, string? Modality, string? Pairs, string? Labels, StudyImages? Images);

/// <summary>An SAE to train: variant, expansion (width = expansion × input width), k (active latents).</summary>
public sealed record SaeSpec(string Arch, int Expansion, int K)
{
    /// <summary>Training steps (0: chosen from the data size, about ten epochs).</summary>
    public int Steps { get; init; }

    /// <summary>Batch size.</summary>
    public int Batch { get; init; } = 1024;

    /// <summary>Parses <c>ARCH:EXPANSION:K</c> with an optional <c>:STEPS</c>.</summary>
    public static SaeSpec Parse(string text)
    {
        var p = text.Split(':');
        int steps = 0;
        if (p.Length is < 3 or > 4 || !int.TryParse(p[1], out int e) || !int.TryParse(p[2], out int k) || (p.Length == 4 && !int.TryParse(p[3], out steps)))
            throw new ConceptDataException($"sae '{text}': expected ARCH:EXPANSION:K[:STEPS], e.g. batchtopk:4:8.", ["sae"]);
        return new SaeSpec(p[0].Trim().ToLowerInvariant(), e, k) { Steps = steps };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Arch}:{Expansion}:{K}";
}

/// <summary>A clusterer to fit: method (kmeans, spherical, minibatch, agglomerative) and k.</summary>
public sealed record ClusterSpec(string Method, int K)
{
    /// <summary>Linkage for agglomerative clustering (ward, average, complete).</summary>
    public string Linkage { get; init; } = "ward";

    /// <summary>Parses <c>METHOD:K</c> (agglomerative may add <c>:LINKAGE</c>).</summary>
    public static ClusterSpec Parse(string text)
    {
        var p = text.Split(':');
        if (p.Length is < 2 or > 3 || !int.TryParse(p[1], out int k))
            throw new ConceptDataException($"clusters '{text}': expected METHOD:K, e.g. kmeans:32 or agglomerative:32:ward.", ["clusters"]);
        var spec = new ClusterSpec(p[0].Trim().ToLowerInvariant(), k);
        return p.Length == 3 ? spec with { Linkage = p[2].Trim().ToLowerInvariant() } : spec;
    }

    /// <inheritdoc />
    public override string ToString() => Method == "agglomerative" ? $"{Method}:{K}:{Linkage}" : $"{Method}:{K}";
}

/// <summary>Where the images behind the rows are: an IDX file or a folder, and an optional per-row image index.</summary>
public sealed record StudyImages
{
    /// <summary>An IDX image file (e.g. Fashion-MNIST); row r shows image index[r] (or r).</summary>
    public string? Idx { get; init; }

    /// <summary>A folder of image files (PNG/PPM); row r shows file index[r] in sorted order.</summary>
    public string? Directory { get; init; }

    /// <summary>Optional int .npy giving each row's image number (−1: no image, e.g. a text row).</summary>
    public string? Index { get; init; }
}

/// <summary>
/// The concept-bottleneck stage (<see cref="Bottleneck.ConceptBottleneck"/>): class accuracy from the
/// layer's raw activations, from all codes of its first SAE (seed 0) and from its top-m concepts.
/// </summary>
public sealed record StudyBottleneck
{
    /// <summary>The layer (it needs labels).</summary>
    public string Layer { get; init; } = "";

    /// <summary>Training rows at most (a seeded shuffle; fewer rows keep the stage fast).</summary>
    public int TrainRows { get; init; } = 3000;

    /// <summary>Test rows at most (after the training rows in the same shuffle).</summary>
    public int TestRows { get; init; } = 2000;

    /// <summary>The largest m of the top-m concepts (m = 1, 2, 4, …).</summary>
    public int MaxConcepts { get; init; } = 64;

    /// <summary>The stage's options (the study's seed makes the split).</summary>
    public Bottleneck.ConceptBottleneckOptions Options(int seed) => new() { TrainRows = TrainRows, TestRows = TestRows, MaxConcepts = MaxConcepts, Seed = seed };
}
