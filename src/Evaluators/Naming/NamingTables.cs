using System.Globalization;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;

namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// The tables of <see cref="ConceptNaming"/> as <see cref="DataFrame"/>s, and CSV output. Column
/// meanings are listed in docs/NAMING.md.
/// </summary>
public static class NamingTables
{
    /// <summary>Modality-score buckets of the contingency table (Papadimitriou et al. 2025, eq. 5 score; the report's 0.1 / 0.9 cut-offs).</summary>
    public static readonly string[] ModalityBuckets = ["text_dominant", "mixed", "image_dominant", "undefined"];

    /// <summary>
    /// One row per concept: concept, label, score, margin, visual_alignment, visual_threshold,
    /// textual_alignment, textual_threshold, decoder_alignment, type, top_images, top_texts, and
    /// modality_score when <paramref name="modalityScore"/> is given.
    /// </summary>
    public static DataFrame PerConcept(ConceptNames names, double[]? modalityScore = null)
    {
        int k = names.Count;
        if (modalityScore is not null && modalityScore.Length != k)
            throw new ConceptDataException($"modalityScore has {modalityScore.Length} values for {k} concepts.", ["modalityScore"]);
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("concept", Enumerable.Range(0, k)),
            new StringDataFrameColumn("label", names.LabelName),
            new DoubleDataFrameColumn("score", names.Score),
            new DoubleDataFrameColumn("margin", names.Margin),
            new DoubleDataFrameColumn("visual_alignment", names.VisualAlignment),
            new DoubleDataFrameColumn("visual_threshold", names.VisualThreshold),
            new DoubleDataFrameColumn("textual_alignment", names.TextualAlignment),
            new DoubleDataFrameColumn("textual_threshold", names.TextualThreshold),
            new DoubleDataFrameColumn("decoder_alignment", names.DecoderAlignment),
            new StringDataFrameColumn("type", names.Type.Select(ConceptTypes.Name)),
            new Int32DataFrameColumn("top_images", names.TopImages.Select(t => t.Length)),
            new Int32DataFrameColumn("top_texts", names.TopTexts.Select(t => t.Length)),
        };
        if (modalityScore is not null) columns.Add(new DoubleDataFrameColumn("modality_score", modalityScore));
        return new DataFrame(columns);
    }

    /// <summary>Counts of each type: type, concepts, share.</summary>
    public static DataFrame TypeCounts(ConceptNames names)
    {
        var counts = ConceptTypes.All.Select(t => names.Type.Count(x => x == t)).ToArray();
        return new DataFrame(
            new StringDataFrameColumn("type", ConceptTypes.All.Select(ConceptTypes.Name)),
            new Int32DataFrameColumn("concepts", counts),
            new DoubleDataFrameColumn("share", counts.Select(c => names.Count == 0 ? double.NaN : c / (double)names.Count)));
    }

    /// <summary>
    /// Contingency table of type × modality score bucket: text_dominant (≤ 0.1), mixed,
    /// image_dominant (≥ 0.9), undefined (NaN: the concept never fires).
    /// </summary>
    public static DataFrame TypeByModality(ConceptNames names, double[] modalityScore)
    {
        if (modalityScore.Length != names.Count)
            throw new ConceptDataException($"modalityScore has {modalityScore.Length} values for {names.Count} concepts.", ["modalityScore"]);
        var table = new int[ConceptTypes.All.Length, ModalityBuckets.Length];
        for (int c = 0; c < names.Count; c++)
            table[Array.IndexOf(ConceptTypes.All, names.Type[c]), Bucket(modalityScore[c])]++;
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("type", ConceptTypes.All.Select(ConceptTypes.Name)) };
        for (int b = 0; b < ModalityBuckets.Length; b++)
            columns.Add(new Int32DataFrameColumn(ModalityBuckets[b], Enumerable.Range(0, ConceptTypes.All.Length).Select(t => table[t, b])));
        return new DataFrame(columns);
    }

    /// <summary>Bucket index of a modality score (see <see cref="ModalityBuckets"/>).</summary>
    public static int Bucket(double score) => double.IsNaN(score) ? 3 : score <= 0.1 ? 0 : score >= 0.9 ? 2 : 1;

    /// <summary>
    /// Writes a frame as CSV (invariant culture, NaN as "NaN", header first) through a temporary
    /// file and a rename, so a failure leaves no partial file.
    /// </summary>
    public static void SaveCsv(DataFrame frame, string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, leaveOpen: true);
            w.WriteLine(string.Join(',', frame.Columns.Select(c => Quote(c.Name))));
            for (long r = 0; r < frame.Rows.Count; r++)
                w.WriteLine(string.Join(',', frame.Columns.Select(c => Cell(c[r]))));
        });
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
