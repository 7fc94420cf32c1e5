using System.Numerics.Tensors;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Bridge score (seed 003 eq. 6): B = E_pairs[z_img z_txtᵀ] ⊙ (D Dᵀ) over aligned image–text
/// pairs. B_ij is large when concept i (on the image) and concept j (on the caption) fire
/// together and their directions agree. The c × c matrix is never formed: concept i's row of
/// the co-activation is accumulated from the sparse codes into one dense buffer of length c
/// (memory O(threads·c)), and D_i·D_j is computed only for co-active pairs (co-activation ≠ 0),
/// since every other B_ij is 0. Returns the top pairs by B (ties: smaller i, then smaller j).
/// </summary>
public static class Bridge
{
    /// <summary>
    /// The <paramref name="top"/> largest entries of B among co-active pairs: columns i, j,
    /// bridge (B_ij), coactivation (E[z_img,i z_txt,j]), cosine (of D_i and D_j; B uses the raw
    /// dot product D_i·D_j, which is the cosine for unit-norm decoder rows).
    /// </summary>
    public static ReportFrame TopPairs(DenseMatrix imageCodes, DenseMatrix textCodes, DenseMatrix dictionary, int top)
    {
        EvaluatorChecks.SameRows(imageCodes, textCodes);
        EvaluatorChecks.SameCols(imageCodes, textCodes, "image and text codes must come from the same SAE");
        if (dictionary.Rows != imageCodes.Cols)
            throw new ConceptDataException($"{dictionary.Name} has {dictionary.Rows} concepts (rows) but the codes have {imageCodes.Cols} columns; the dictionary must have one row per concept.");
        EvaluatorChecks.Positive(top, nameof(top));
        int c = imageCodes.Cols, pairs = imageCodes.Rows, d = dictionary.Cols;
        var byConcept = SparseColumns(imageCodes);
        var textRows = SparseRows(textCodes);
        var norms = new double[c];
        for (int i = 0; i < c; i++) norms[i] = Math.Sqrt(TensorPrimitives.Dot(dictionary.Row(i), dictionary.Row(i)));
        var partial = new List<TopPairHeap>();
        System.Threading.Tasks.Parallel.For(0, c,
            () => (Heap: new TopPairHeap(top), Acc: new double[c], Touched: new List<int>(), Mark: new bool[c]),
            (i, _, state) =>
            {
                var (heap, acc, touched, mark) = state;
                foreach (var (p, zi) in byConcept[i])
                {
                    foreach (var (j, zt) in textRows[p])
                    {
                        if (!mark[j]) { mark[j] = true; touched.Add(j); }
                        acc[j] += (double)zi * zt;
                    }
                }
                var di = dictionary.Row(i);
                foreach (int j in touched)
                {
                    double co = acc[j] / pairs;
                    acc[j] = 0;
                    mark[j] = false;
                    if (co == 0) continue;
                    double g = TensorPrimitives.Dot(di, dictionary.Row(j));
                    heap.Offer(co * g, i, j, co, norms[i] == 0 || norms[j] == 0 ? double.NaN : g / (norms[i] * norms[j]));
                }
                touched.Clear();
                return state;
            },
            state => { lock (partial) partial.Add(state.Heap); });
        var merged = new TopPairHeap(top);
        foreach (var h in partial) foreach (var e in h.Entries) merged.Offer(e.B, e.I, e.J, e.Co, e.Cos);
        var rows = merged.Entries.OrderBy(e => e, TopPairHeap.BestFirst).ToList();
        return new ReportFrame("bridge")
            .Add("i", rows.Select(e => e.I).ToArray())
            .Add("j", rows.Select(e => e.J).ToArray())
            .Add("bridge", rows.Select(e => e.B).ToArray())
            .Add("coactivation", rows.Select(e => e.Co).ToArray())
            .Add("cosine", rows.Select(e => e.Cos).ToArray())
            .WithParameter("pairs", pairs).WithParameter("concepts", c).WithParameter("top", top)
            .WithParameter("dictionary_width", d);
    }

    private static List<(int Pair, float Value)>[] SparseColumns(DenseMatrix m)
    {
        var cols = new List<(int, float)>[m.Cols];
        for (int k = 0; k < m.Cols; k++) cols[k] = new();
        for (int r = 0; r < m.Rows; r++)
        {
            var row = m.Row(r);
            for (int k = 0; k < row.Length; k++) if (row[k] != 0) cols[k].Add((r, row[k]));
        }
        return cols;
    }

    private static (int Col, float Value)[][] SparseRows(DenseMatrix m)
    {
        var rows = new (int, float)[m.Rows][];
        for (int r = 0; r < m.Rows; r++)
        {
            var row = m.Row(r);
            var list = new List<(int, float)>();
            for (int k = 0; k < row.Length; k++) if (row[k] != 0) list.Add((k, row[k]));
            rows[r] = list.ToArray();
        }
        return rows;
    }
}
