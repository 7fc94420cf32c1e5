using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Uniqueness of SAE neurons: each neuron's top-T sample set (the T samples where it fires most,
/// only samples with z &gt; 0, ties by earlier sample; T = 16 as in Pach et al. 2025's released indices)
/// is compared with every other neuron's by Jaccard |A∩B|/|A∪B|. Only pairs sharing a sample can
/// have J &gt; 0, so intersections are counted through an inverted index sample → neurons instead
/// of over all K² pairs. Neurons that never fire have an empty set and take no part.
/// </summary>
public static class Uniqueness
{
    /// <summary>
    /// Per-neuron report: neuron, set_size, max_jaccard (NaN for an empty set), most_similar
    /// (-1 when no other neuron shares a sample); parameters pairs_jaccard_positive and
    /// pairs_jaccard_over_half (unordered pairs).
    /// </summary>
    public static EvaluationReport Report(DenseMatrix codes, int top = 16)
    {
        EvaluatorChecks.Positive(top, nameof(top));
        return FromSelector(TopNSelector.FromMatrix(codes, top, onlyAbove: 0f), codes.Cols, top);
    }

    /// <summary>
    /// <see cref="Report(DenseMatrix, int)"/> over a view column read <paramref name="blockRows"/> rows at a time
    /// (dense or sparse codes of any size); memory: one block plus K × top × 12 bytes for the kept samples.
    /// </summary>
    public static EvaluationReport Report(IDataView view, string column, int top = 16, int blockRows = RowBlockReader.DefaultBlockRows)
    {
        EvaluatorChecks.Positive(top, nameof(top));
        EvaluatorChecks.Positive(blockRows, nameof(blockRows));
        var col = ViewColumns.Vector(view.Schema, column);
        int k = col.Width;
        var selector = new TopNSelector(k, top, onlyAbove: 0f);
        using var cursor = new RowBlockReader(view, [column], blockRows);
        while (cursor.MoveNext())
        {
            var block = cursor.Floats(col.Name);
            for (int i = 0; i < block.Length; i++)
                if (!float.IsFinite(block[i])) throw new ConceptDataException($"{column}: value {block[i]} at row {cursor.BlockStart + i / k}, column {i % k} is not finite.");
            selector.Add(block, cursor.BlockRows, cursor.BlockStart);
        }
        return FromSelector(selector, k, top);
    }

    private static EvaluationReport FromSelector(TopNSelector selector, int k, int top)
    {
        var sets = new long[k][];
        var index = new Dictionary<long, List<int>>();
        for (int c = 0; c < k; c++)
        {
            sets[c] = selector.RowsOf(c);
            foreach (var s in sets[c])
            {
                if (!index.TryGetValue(s, out var list)) index[s] = list = new List<int>();
                list.Add(c);
            }
        }
        var maxJ = new double[k];
        var mostSimilar = new int[k];
        for (int c = 0; c < k; c++) { maxJ[c] = sets[c].Length == 0 ? double.NaN : 0; mostSimilar[c] = -1; }
        long positive = 0, overHalf = 0;
        var inter = new int[k];
        var touched = new List<int>();
        for (int a = 0; a < k; a++)
        {
            foreach (var s in sets[a])
                foreach (int b in index[s])
                {
                    if (b <= a) continue;
                    if (inter[b]++ == 0) touched.Add(b);
                }
            foreach (int b in touched)
            {
                double j = (double)inter[b] / (sets[a].Length + sets[b].Length - inter[b]);
                inter[b] = 0;
                positive++;
                if (j > 0.5) overHalf++;
                if (j > maxJ[a] || (j == maxJ[a] && mostSimilar[a] < 0)) { maxJ[a] = j; mostSimilar[a] = b; }
                if (j > maxJ[b] || (j == maxJ[b] && (mostSimilar[b] < 0 || a < mostSimilar[b]))) { maxJ[b] = j; mostSimilar[b] = a; }
            }
            touched.Clear();
        }
        return new EvaluationReport("uniqueness")
            .Add("neuron", Enumerable.Range(0, k).ToArray())
            .Add("set_size", sets.Select(s => s.Length).ToArray())
            .Add("max_jaccard", maxJ)
            .Add("most_similar", mostSimilar)
            .WithParameter("top", top)
            .WithParameter("pairs_jaccard_positive", positive)
            .WithParameter("pairs_jaccard_over_half", overHalf)
            .WithParameter("neurons_with_samples", sets.Count(s => s.Length > 0));
    }
}
