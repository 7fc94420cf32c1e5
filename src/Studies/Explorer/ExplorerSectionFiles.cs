using System.Text.Json;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// What a study's naming and heat-map sections wrote, mapped onto the explorer's maps. Both sections
/// work on the first SAE of a layer (the first entry of <c>saes</c> in <c>config.json</c>, seed 0:
/// <see cref="StudySectionContext.FirstSae"/>), so their files belong to the map (layer, that SAE):
/// <c>naming/&lt;layer&gt;/naming.csv</c> gives labels, margins and types, and the rows of
/// <c>heatmaps/heatmaps.csv</c> (layer, feature, file) give heat maps. Reading them where they are
/// keeps one copy of each file and lets the sections stay unaware of the explorer.
/// </summary>
internal sealed class ExplorerSectionFiles
{
    private readonly string _studyDir;
    private readonly string? _firstSae;
    private readonly Dictionary<string, List<(int Feature, string File)>> _heatMaps = new(StringComparer.Ordinal);

    private ExplorerSectionFiles(string studyDir, string? firstSae)
    {
        _studyDir = studyDir;
        _firstSae = firstSae;
    }

    /// <summary>Reads the study's first SAE name from config.json and the heat-map index, when present.</summary>
    public static ExplorerSectionFiles Read(string studyDir, JsonElement? config)
    {
        var files = new ExplorerSectionFiles(studyDir, FirstSae(config));
        var index = Path.Combine(studyDir, ExplorerFiles.StudyHeatMaps);
        if (files._firstSae is null || !File.Exists(index)) return files;
        var t = ExplorerCsv.Read(index);
        for (int r = 0; r < t.Rows; r++)
        {
            var layer = t.Text(r, "layer");
            var file = t.Text(r, "file");
            // The index stores paths relative to the study folder with '/', as the page does.
            if (!File.Exists(Path.Combine(studyDir, file)))
                throw new ConceptDataException($"{index}: line {r + 2}: {file} does not exist.");
            if (!files._heatMaps.TryGetValue(layer, out var list)) files._heatMaps[layer] = list = [];
            list.Add((t.Integer(r, "feature"), file));
        }
        return files;
    }

    /// <summary>The naming section's table for the map (layer, sae), or null when it has none.</summary>
    public string? Naming(string layer, string sae)
    {
        if (sae != _firstSae) return null;
        var path = Path.Combine(_studyDir, ExplorerFiles.StudyNaming(layer));
        return File.Exists(path) ? path : null;
    }

    /// <summary>The heat-map section's files for the map (layer, sae): feature and path relative to the study folder.</summary>
    public IReadOnlyList<(int Feature, string File)> HeatMaps(string layer, string sae) =>
        sae == _firstSae && _heatMaps.TryGetValue(layer, out var list) ? list : [];

    private static string? FirstSae(JsonElement? config)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c) return null;
        foreach (var p in c.EnumerateObject())
        {
            if (!p.Name.Equals("saes", StringComparison.OrdinalIgnoreCase) || p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0) continue;
            var spec = p.Value[0].Deserialize<SaeSpec>(StudyConfig.Json);
            return spec is null ? null : StudyNames.Of(spec);
        }
        return null;
    }
}
