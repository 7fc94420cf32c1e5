using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity over a view read a block of rows at a time, so activations and embeddings
/// never have to sit in memory whole (e.g. <see cref="Views.ColumnDataView"/> over files of any
/// size). Same formulas and numbers as the in-memory forms of <see cref="MonoSemanticity"/>:
/// MS_k = (‖v_k‖² − S2)/(S1² − S2) (Pach et al. 2025, eq. 9 in linear form; clusters: Bíla et al.
/// 2025, eqs. 4–5). Neurons and clusters take one pass (neurons: <see cref="NeuronMsPass"/>, min, max
/// and sums together; clusters: <see cref="ClusterMsPass"/>, memberships computed per block); the top-N variants take a first pass for min, max and the selection and a
/// second that gathers the kept samples' embeddings.
/// <para>
/// Memory for a block of B rows, K neurons (or J clusters; for clusters K also counts the
/// activation width d) and embedding width e: the view's cursor buffers (B·(K + e)·4 bytes for
/// dense files), the scaled weights and unit embeddings (B·(K + e)·4 bytes) and the accumulator
/// (K·e·12 bytes); top-N adds K·N·12 bytes.
/// </para>
/// </summary>
public static class MonoSemanticityStreaming
{
    /// <summary>
    /// MS of each neuron of <paramref name="activationsColumn"/> against <paramref name="embeddingsColumn"/>.
    /// With <paramref name="topN"/>, weights are kept only on each neuron's N top-activating samples (ties:
    /// earlier sample first); min and max stay those of all samples. <paramref name="blockRows"/>: rows
    /// per block (default <see cref="MonoSemanticity.BlockRows"/> of the wider column).
    /// </summary>
    public static EvaluationReport Neurons(IDataView view, string activationsColumn, string embeddingsColumn, int? topN = null,
        IProgress<double>? progress = null, int? blockRows = null)
    {
        var aCol = ViewColumns.Vector(view.Schema, activationsColumn);
        var eCol = ViewColumns.Vector(view.Schema, embeddingsColumn);
        int k = aCol.Width, e = eCol.Width;
        int block = BlockRows(blockRows, Math.Max(k, e));
        if (topN is int t) EvaluatorChecks.Positive(t, nameof(topN));
        if (topN is null) return Report(OnePass(view, aCol, eCol, block, progress), k, e, topN);
        var selector = new TopNSelector(k, topN.Value);
        var scaling = MinMaxScaling.Empty(k);
        long n = 0;
        using (var cursor = new RowBlockReader(view, [activationsColumn, embeddingsColumn], block))
        {
            while (cursor.MoveNext())
            {
                var a = cursor.Floats(aCol.Name);
                CheckFinite(a, k, cursor.BlockStart, activationsColumn);
                CheckEmbeddings(cursor.Floats(eCol.Name), e, cursor.BlockStart, embeddingsColumn);
                scaling.Update(a, cursor.BlockRows);
                selector.Add(a, cursor.BlockRows, cursor.BlockStart);
                n += cursor.BlockRows;
            }
        }
        if (n == 0) throw new ConceptDataException($"Column '{activationsColumn}' has no rows.");
        var acc = new PairMeanAccumulator(k, e);
        AddKept(view, embeddingsColumn, selector, k, block, c => !scaling.IsConstant(c), (c, v) => scaling.Scale(c, v), acc);
        return Report(n, acc.Finish(scaling.IsConstant), acc.Support, k, e, topN);
    }

    // No top-N: min, max, sums and products in one pass over the view (NeuronMsPass).
    private static NeuronMsPass OnePass(IDataView view, VectorColumn aCol, VectorColumn eCol, int block, IProgress<double>? progress)
    {
        var pass = new NeuronMsPass(aCol.Width, eCol.Width);
        long total = view.GetRowCount() ?? 0;
        string aSource = $"Column '{aCol.Name}'", eSource = $"Column '{eCol.Name}'";
        using var cursor = new RowBlockReader(view, [aCol.Name, eCol.Name], block);
        bool sparse = cursor.IsSparse(aCol.Name);
        while (cursor.MoveNext())
        {
            if (sparse) pass.AddSparse(cursor.Sparse(aCol.Name), cursor.Floats(eCol.Name), cursor.BlockStart, aSource, eSource);
            else pass.AddDense(cursor.Floats(aCol.Name), cursor.Floats(eCol.Name), cursor.BlockRows, cursor.BlockStart, aSource, eSource);
            if (total > 0) progress?.Report((double)pass.Rows / total);
        }
        if (pass.Rows == 0) throw new ConceptDataException($"Column '{aCol.Name}' has no rows.");
        return pass;
    }

    internal static EvaluationReport Report(NeuronMsPass pass, int k, int e, int? topN)
    {
        var (ms, support) = pass.Finish();
        return Report(pass.Rows, ms, support, k, e, topN);
    }

    private static EvaluationReport Report(long n, double[] ms, int[] support, int k, int e, int? topN)
    {
        return new EvaluationReport("MonoSemanticity (neurons)")
            .Add("neuron", Enumerable.Range(0, k).ToArray())
            .Add("ms", ms)
            .Add("support", support)
            .Add("dead", ms.Select(double.IsNaN).ToArray())
            .WithParameter("samples", n).WithParameter("neurons", k)
            .WithParameter("embedding_width", e)
            .WithParameter("top_n", (object?)topN ?? "all")
            .WithParameter("weights", "min-max scaled activations");
    }

    /// <summary>
    /// MS of each cluster: weights d̃_nj = (1 + cos(a_n, μ_j))/2 of the rows of <paramref name="activationsColumn"/>
    /// to <paramref name="centroids"/>, against <paramref name="embeddingsColumn"/>. With <paramref name="topN"/>,
    /// weights are kept only on each cluster's N closest samples (ties: earlier sample first).
    /// </summary>
    public static EvaluationReport Clusters(IDataView view, string activationsColumn, DenseMatrix centroids, string embeddingsColumn,
        int? topN = null, IProgress<double>? progress = null, int? blockRows = null)
    {
        var aCol = ViewColumns.Vector(view.Schema, activationsColumn);
        var eCol = ViewColumns.Vector(view.Schema, embeddingsColumn);
        int d = aCol.Width, e = eCol.Width, j = centroids.Rows;
        if (centroids.Cols != d)
            throw new ConceptDataException($"{centroids.Name}: centroids have width {centroids.Cols} but the activations ('{activationsColumn}') have width {d}; centroids must live in the activation space.");
        if (topN is int t) EvaluatorChecks.Positive(t, nameof(topN));
        int block = BlockRows(blockRows, Math.Max(Math.Max(j, d), e));
        long total = view.GetRowCount() ?? 0;
        string aSource = $"Column '{activationsColumn}'", eSource = $"Column '{embeddingsColumn}'";
        if (topN is null)
        {
            // One pass: each block's memberships are computed and used at once (ClusterMsPass).
            var pass = new ClusterMsPass(centroids, e);
            using (var cursor = new RowBlockReader(view, [activationsColumn, embeddingsColumn], block))
                while (cursor.MoveNext())
                {
                    pass.Add(cursor.Floats(aCol.Name), cursor.Floats(eCol.Name), cursor.BlockRows, cursor.BlockStart, aSource, eSource);
                    if (total > 0) progress?.Report((double)pass.Rows / total);
                }
            if (pass.Rows == 0) throw new ConceptDataException($"Column '{activationsColumn}' has no rows.");
            var (scores, support) = pass.Finish();
            return MonoSemanticity.ClusterReport(pass.Rows, j, e, topN, scores, support);
        }
        var membership = new ClusterMembership(centroids);
        var acc = new PairMeanAccumulator(j, e);
        var selector = new TopNSelector(j, topN.Value);
        var weights = new float[block * j];
        long n = 0;
        using (var cursor = new RowBlockReader(view, [activationsColumn], block))
        {
            while (cursor.MoveNext())
            {
                int rows = cursor.BlockRows;
                membership.OfRows(cursor.Floats(aCol.Name), rows, cursor.BlockStart, aSource, weights);
                selector.Add(weights, rows, cursor.BlockStart);
                n += rows;
                if (total > 0) progress?.Report((double)n / total);
            }
        }
        if (n == 0) throw new ConceptDataException($"Column '{activationsColumn}' has no rows.");
        AddKept(view, embeddingsColumn, selector, j, block, _ => true, (_, v) => v, acc);
        return MonoSemanticity.ClusterReport(n, j, e, topN, acc.Finish(), acc.Support);
    }

    /// <summary>
    /// Adds each column's kept samples, weighted by <paramref name="weight"/>(column, kept value), in one
    /// more pass over the embeddings: the kept (row, column) pairs are sorted by row so the pass reads
    /// each block once, whatever the order of rows in the selector.
    /// </summary>
    private static void AddKept(IDataView view, string embeddingsColumn, TopNSelector selector, int columns, int block,
        Func<int, bool> use, Func<int, float, double> weight, PairMeanAccumulator acc)
    {
        var kept = new List<(long Row, int Column, double Weight)>();
        for (int c = 0; c < columns; c++)
        {
            if (!use(c)) continue;
            var (rows, values) = selector.Sorted(c);
            for (int i = 0; i < rows.Length; i++) kept.Add((rows[i], c, weight(c, values[i])));
        }
        kept.Sort((x, y) => x.Row != y.Row ? x.Row.CompareTo(y.Row) : x.Column.CompareTo(y.Column));
        var eCol = ViewColumns.Vector(view.Schema, embeddingsColumn);
        int e = eCol.Width;
        var unit = new float[e];
        int next = 0;
        using var cursor = new RowBlockReader(view, [embeddingsColumn], block);
        while (next < kept.Count && cursor.MoveNext())
        {
            long end = cursor.BlockStart + cursor.BlockRows;
            if (kept[next].Row >= end) continue;
            var emb = cursor.Floats(eCol.Name);
            for (; next < kept.Count && kept[next].Row < end; next++)
            {
                var (row, c, w) = kept[next];
                int r = (int)(row - cursor.BlockStart);
                UnitRows.UnitBlock(emb.Slice(r * e, e), 1, e, row, $"Column '{embeddingsColumn}'", unit);
                acc.AddOne(c, w, unit);
            }
        }
    }

    private static int BlockRows(int? requested, int width)
    {
        if (requested is int b)
        {
            EvaluatorChecks.Positive(b, "blockRows");
            return b;
        }
        return MonoSemanticity.BlockRows(width);
    }

    private static void CheckEmbeddings(ReadOnlySpan<float> block, int width, long firstRow, string column)
    {
        CheckFinite(block, width, firstRow, column);
        for (int r = 0; r * width < block.Length; r++)
        {
            bool zero = true;
            foreach (var v in block.Slice(r * width, width)) zero &= v == 0;
            if (zero) throw new ConceptDataException($"Column '{column}': row {firstRow + r} is all zeros, so its cosine similarity is undefined.");
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> block, int width, long firstRow, string column)
    {
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw new ConceptDataException($"Column '{column}': value {block[i]} at row {firstRow + i / width}, slot {i % width} is not finite.");
    }
}
