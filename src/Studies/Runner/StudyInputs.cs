using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Studies.Runner;

/// <summary>The per-row metadata of a study, read once and shared by every layer.</summary>
internal sealed class StudyInputs
{
    /// <summary>Auxiliary embeddings for MonoSemanticity, or null.</summary>
    public DenseMatrix? Embeddings { get; init; }
    /// <summary>0 = image, 1 = text per row, or null.</summary>
    public int[]? Modality { get; init; }
    /// <summary>Aligned pair id per row, or null.</summary>
    public int[]? Pairs { get; init; }
    /// <summary>Class label per row, or null.</summary>
    public int[]? Labels { get; init; }

    /// <summary>
    /// Reads the metadata files that apply to a layer (validated beforehand); the embeddings only
    /// with <paramref name="embeddings"/> (a streamed analysis reads them from their file in blocks).
    /// </summary>
    public static StudyInputs Read(LayerMetadata m, bool embeddings = true) => new()
    {
        Embeddings = m.Embeddings is null || !embeddings ? null : DenseMatrix.ReadNpy(m.Embeddings),
        Modality = m.Modality is null ? null : NpyFile.Read(m.Modality).ToInt32(),
        Pairs = m.Pairs is null ? null : NpyFile.Read(m.Pairs).ToInt32(),
        Labels = m.Labels is null ? null : NpyFile.Read(m.Labels).ToInt32(),
    };

    /// <summary>
    /// Aligned (image row, text row) pairs: rows sharing a pair id, one of each modality.
    /// Ids with several rows of a modality use the first of each.
    /// </summary>
    public (int Image, int Text)[] AlignedPairs()
    {
        if (Pairs is null || Modality is null) return [];
        var image = new Dictionary<int, int>();
        var text = new Dictionary<int, int>();
        for (int r = 0; r < Pairs.Length; r++)
        {
            var target = Modality[r] == 0 ? image : text;
            target.TryAdd(Pairs[r], r);
        }
        return image.Where(p => text.ContainsKey(p.Key)).OrderBy(p => p.Key).Select(p => (p.Value, text[p.Key])).ToArray();
    }
}
