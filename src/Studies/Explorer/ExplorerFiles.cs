namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// The file names the explorer reads from a study output folder (the contract in docs/EXPLORER.md).
/// Everything is per layer folder <c>DIR/&lt;layer&gt;/</c> and per SAE name.
/// </summary>
public static class ExplorerFiles
{
    /// <summary>Per-concept table: feature, energy and optionally ms, ms_top_n, modality, label, margin, type (written by the study).</summary>
    public static string Features(string sae) => $"features_{sae}.csv";

    /// <summary>Optional naming table: feature, label, margin, type (the naming step's output).</summary>
    public static string Naming(string sae) => $"naming_{sae}.csv";

    /// <summary>Decoder (dictionary) of a seed: float32 .npy, concepts × width. Seed 0 is laid out; seed 1 gives stability.</summary>
    public static string Decoder(string sae, int seed) => $"decoder_{sae}_seed{seed}.npy";

    /// <summary>Top bridge pairs: i, j, bridge (written by the study when pairs are known).</summary>
    public static string Bridges(string sae) => $"bridge_{sae}.csv";

    /// <summary>Prefix of the one-to-one matchings with each clusterer: one_to_one_&lt;sae&gt;__&lt;clusterer&gt;.csv (cluster, feature, overlap).</summary>
    public static string OneToOnePrefix(string sae) => $"one_to_one_{sae}__";

    /// <summary>Folder of per-concept pictures of an SAE.</summary>
    public static string ConceptFolder(string sae) => $"concepts_{sae}";

    /// <summary>A concept's collage of its top-activating images, inside <see cref="ConceptFolder"/>.</summary>
    public static string Collage(int feature) => $"feature_{feature}_collage.png";

    /// <summary>Heat maps of a concept inside <see cref="ConceptFolder"/>: any PNG whose name starts with this.</summary>
    public static string HeatMapPrefix(int feature) => $"feature_{feature}_heatmap";

    /// <summary>
    /// The study's naming table of a layer, relative to the study folder (written by the naming section,
    /// docs/NAMING.md): concept, label, margin, type, … of the layer's first SAE.
    /// </summary>
    public static string StudyNaming(string layer) => $"{MlNetConcepts.Studies.Naming.NamingSection.Folder}/{layer}/naming.csv";

    /// <summary>The study's heat-map index, relative to the study folder (written by the heat-map section, docs/HEATMAPS.md): layer, feature, file, … of each layer's first SAE.</summary>
    public static string StudyHeatMaps => $"{MlNetConcepts.Studies.HeatMaps.HeatMapSection.Folder}/heatmaps.csv";

    /// <summary>The page's default name in the study folder.</summary>
    public const string Page = "explorer.html";
}
