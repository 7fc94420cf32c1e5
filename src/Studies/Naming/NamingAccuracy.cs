using Microsoft.Data.Analysis;
using MlNetConcepts.Evaluators.Naming;

namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// Scores names against known classes and attributes. A class label is correct when it names the
/// dominant class of the concept's top images; an attribute label is correct when the attribute
/// holds for more than half of the top images. Chance: the share of the candidate labels that would
/// have been correct for the same concept, averaged over the concepts scored.
/// </summary>
public static class NamingAccuracy
{
    /// <summary>Adds dominant_class, dominant_share, label_kind and correct to <paramref name="perConcept"/>.</summary>
    public static void AddColumns(DataFrame perConcept, ConceptNames names, IReadOnlyList<string> labelNames, NamingTruth truth)
    {
        int k = names.Count;
        var dominant = new string[k];
        var share = new double[k];
        var kind = new string[k];
        var correct = new bool?[k];
        for (int c = 0; c < k; c++)
        {
            var top = names.TopImages[c];
            var (cls, frac) = Dominant(top, truth);
            dominant[c] = cls < 0 ? "" : truth.ClassNames[cls];
            share[c] = frac;
            kind[c] = names.Label[c] < 0 ? "" : Kind(names.LabelName[c], truth);
            correct[c] = names.Label[c] < 0 || top.Length == 0 || kind[c] == "other" ? null : IsCorrect(names.LabelName[c], top, truth, cls);
        }
        perConcept.Columns.Add(new StringDataFrameColumn("dominant_class", dominant));
        perConcept.Columns.Add(new DoubleDataFrameColumn("dominant_share", share));
        perConcept.Columns.Add(new StringDataFrameColumn("label_kind", kind));
        perConcept.Columns.Add(new StringDataFrameColumn("correct", correct.Select(x => x is null ? "" : x.Value ? "yes" : "no")));
    }

    /// <summary>
    /// Accuracy per label kind (class, attribute, all): concepts scored, correct, accuracy, chance.
    /// Only concepts with a label and at least one top image are scored.
    /// </summary>
    public static DataFrame Table(ConceptNames names, IReadOnlyList<string> labelNames, NamingTruth truth)
    {
        var kinds = new[] { "class", "attribute", "all" };
        var scored = new int[3];
        var right = new int[3];
        var chance = new double[3];
        for (int c = 0; c < names.Count; c++)
        {
            var top = names.TopImages[c];
            if (names.Label[c] < 0 || top.Length == 0) continue;
            string kind = Kind(names.LabelName[c], truth);
            if (kind == "other") continue;
            var (cls, _) = Dominant(top, truth);
            bool ok = IsCorrect(names.LabelName[c], top, truth, cls);
            double p = labelNames.Count(l => Kind(l, truth) != "other" && IsCorrect(l, top, truth, cls)) / (double)labelNames.Count;
            foreach (int i in new[] { kind == "class" ? 0 : 1, 2 })
            {
                scored[i]++;
                if (ok) right[i]++;
                chance[i] += p;
            }
        }
        return new DataFrame(
            new StringDataFrameColumn("label_kind", kinds),
            new Int32DataFrameColumn("concepts", scored),
            new Int32DataFrameColumn("correct", right),
            new DoubleDataFrameColumn("accuracy", Enumerable.Range(0, 3).Select(i => scored[i] == 0 ? double.NaN : right[i] / (double)scored[i])),
            new DoubleDataFrameColumn("chance", Enumerable.Range(0, 3).Select(i => scored[i] == 0 ? double.NaN : chance[i] / scored[i])));
    }

    private static string Kind(string label, NamingTruth truth) =>
        truth.ClassNames.Contains(label) ? "class" : truth.RowWords is not null && truth.RowWords.Any(w => w.Contains(label)) ? "attribute" : "other";

    private static bool IsCorrect(string label, int[] top, NamingTruth truth, int dominantClass)
    {
        if (truth.ClassNames.Contains(label)) return dominantClass >= 0 && truth.ClassNames[dominantClass] == label;
        if (truth.RowWords is null) return false;
        return top.Count(r => truth.RowWords[r].Contains(label)) * 2 > top.Length;
    }

    /// <summary>Most common class among <paramref name="rows"/> (smallest index on ties) and its share.</summary>
    private static (int Class, double Share) Dominant(int[] rows, NamingTruth truth)
    {
        var counts = new int[truth.ClassNames.Count];
        int known = 0;
        foreach (int r in rows)
            if (truth.RowClass[r] >= 0) { counts[truth.RowClass[r]]++; known++; }
        if (known == 0) return (-1, double.NaN);
        int best = 0;
        for (int i = 1; i < counts.Length; i++) if (counts[i] > counts[best]) best = i;
        return (best, counts[best] / (double)rows.Length);
    }
}
