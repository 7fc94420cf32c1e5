using MlNetConcepts.Views;
using Microsoft.ML;
using System.Numerics.Tensors;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Bridge score (Papadimitriou et al. 2025, eq. 6): B = E_pairs[z_img z_txtᵀ] ⊙ (D Dᵀ) over aligned image–text
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
    public static EvaluationReport TopPairs(DenseMatrix imageCodes, DenseMatrix textCodes, DenseMatrix dictionary, int top)
    {
        EvaluatorChecks.SameRows(imageCodes, textCodes);
        EvaluatorChecks.SameCols(imageCodes, textCodes, "image and text codes must come from the same SAE");
        var view = new ColumnDataView(new DenseArrayColumn(imageCodes.Name, imageCodes.Data, imageCodes.Cols),
            new DenseArrayColumn(imageCodes.Name == textCodes.Name ? textCodes.Name + " (text)" : textCodes.Name, textCodes.Data, textCodes.Cols));
        return TopPairs(view, view.Schema[0].Name, view.Schema[1].Name, dictionary, top);
    }

    /// <summary>
    /// <see cref="TopPairs(DenseMatrix, DenseMatrix, DenseMatrix, int)"/> with the image and text codes of each pair
    /// in one row of a view, read <paramref name="blockRows"/> rows at a time (dense or sparse columns, any row
    /// count). Memory: the nonzero codes (about 24 bytes each, kept per concept and per pair) plus one block.
    /// </summary>
    public static EvaluationReport TopPairs(IDataView view, string imageColumn, string textColumn, DenseMatrix dictionary, int top,
        int blockRows = RowBlockReader.DefaultBlockRows)
    {
        var ic = ViewColumns.Vector(view.Schema, imageColumn);
        var tc = ViewColumns.Vector(view.Schema, textColumn);
        int c = ic.Width;
        if (tc.Width != c)
            throw new ConceptDataException($"{imageColumn} has {c} columns but {textColumn} has {tc.Width}; image and text codes must come from the same SAE.");
        if (dictionary.Rows != c)
            throw new ConceptDataException($"{dictionary.Name} has {dictionary.Rows} concepts (rows) but the codes have {c} columns; the dictionary must have one row per concept.");
        EvaluatorChecks.Positive(top, nameof(top));
        EvaluatorChecks.Positive(blockRows, nameof(blockRows));
        int d = dictionary.Cols;
        // Image codes by concept (pair, value) and text codes by pair (concept, value): only the nonzeros.
        var byConcept = new List<(int Pair, float Value)>[c];
        for (int k = 0; k < c; k++) byConcept[k] = new();
        var textRows = new List<(int Col, float Value)[]>();
        using (var cursor = new RowBlockReader(view, [imageColumn, textColumn], blockRows))
        {
            while (cursor.MoveNext())
            {
                var image = cursor.Sparse(ic.Name);
                var text = cursor.Sparse(tc.Name);
                for (int r = 0; r < cursor.BlockRows; r++)
                {
                    long row = cursor.BlockStart + r;
                    if (row >= int.MaxValue) throw new ConceptDataException($"{imageColumn}: more than {int.MaxValue - 1} pairs.");
                    var idx = image.RowIndices(r);
                    var val = image.RowValues(r);
                    for (int i = 0; i < idx.Length; i++)
                    {
                        CheckFinite(val[i], imageColumn, row, idx[i]);
                        byConcept[idx[i]].Add(((int)row, val[i]));
                    }
                    var tIdx = text.RowIndices(r);
                    var tVal = text.RowValues(r);
                    var entries = new (int, float)[tIdx.Length];
                    for (int i = 0; i < tIdx.Length; i++)
                    {
                        CheckFinite(tVal[i], textColumn, row, tIdx[i]);
                        entries[i] = (tIdx[i], tVal[i]);
                    }
                    textRows.Add(entries);
                }
            }
        }
        int pairs = textRows.Count;
        if (pairs == 0) throw new ConceptDataException($"{imageColumn}: no pairs.");
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
        return new EvaluationReport("bridge")
            .Add("i", rows.Select(e => e.I).ToArray())
            .Add("j", rows.Select(e => e.J).ToArray())
            .Add("bridge", rows.Select(e => e.B).ToArray())
            .Add("coactivation", rows.Select(e => e.Co).ToArray())
            .Add("cosine", rows.Select(e => e.Cos).ToArray())
            .WithParameter("pairs", pairs).WithParameter("concepts", c).WithParameter("top", top)
            .WithParameter("dictionary_width", d);
    }

    private static void CheckFinite(float value, string column, long row, int col)
    {
        if (!float.IsFinite(value)) throw new ConceptDataException($"{column}: value {value} at row {row}, column {col} is not finite.");
    }
}
