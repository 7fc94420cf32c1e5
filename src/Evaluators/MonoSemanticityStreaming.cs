using MlNetConcepts.Data;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity over a view read a block at a time, so activations never have to sit in
/// memory whole (e.g. memory-mapped .npy views): pass 1 finds each neuron's min and max and
/// checks the values, pass 2 scales each block and adds ÃᵀÊ to the accumulator. Same numbers as
/// <see cref="MonoSemanticity.Neurons(DenseMatrix, DenseMatrix, int?, IProgress{double}?)"/>.
/// </summary>
public static class MonoSemanticityStreaming
{
    /// <summary>MS of each neuron of <paramref name="activationsColumn"/> against <paramref name="embeddingsColumn"/>, two passes over the view.</summary>
    public static ReportFrame Neurons(IConceptView view, string activationsColumn, string embeddingsColumn, IProgress<double>? progress = null)
    {
        var aCol = view.Schema.RequireVector(activationsColumn);
        var eCol = view.Schema.RequireVector(embeddingsColumn);
        int k = aCol.Type.VectorSize, e = eCol.Type.VectorSize;
        int block = MonoSemanticity.BlockRows(k);
        var scaling = MinMaxScaling.Empty(k);
        long n = 0;
        using (var cursor = view.GetCursor(block, [activationsColumn, embeddingsColumn]))
        {
            while (cursor.MoveNext())
            {
                var a = cursor.GetFloats(aCol.Index);
                CheckFinite(a, k, cursor.BatchStart, activationsColumn);
                CheckFinite(cursor.GetFloats(eCol.Index), e, cursor.BatchStart, embeddingsColumn);
                scaling.Update(a, cursor.BatchRows);
                n += cursor.BatchRows;
            }
        }
        if (n == 0) throw new ConceptDataException($"Column '{activationsColumn}' has no rows.");
        var acc = new PairMeanAccumulator(k, e);
        var weights = new float[block * k];
        var unit = new float[block * e];
        long done = 0;
        using (var cursor = view.GetCursor(block, [activationsColumn, embeddingsColumn]))
        {
            while (cursor.MoveNext())
            {
                int rows = cursor.BatchRows;
                scaling.ScaleBlock(cursor.GetFloats(aCol.Index), rows, weights);
                var emb = cursor.GetFloats(eCol.Index);
                for (int r = 0; r < rows; r++)
                {
                    var src = emb.Slice(r * e, e);
                    double norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(src, src));
                    if (norm == 0) throw new ConceptDataException($"Column '{embeddingsColumn}': row {cursor.BatchStart + r} is all zeros, so its cosine similarity is undefined.");
                    var dst = unit.AsSpan(r * e, e);
                    for (int i = 0; i < e; i++) dst[i] = (float)(src[i] / norm);
                }
                acc.AddBlock(weights, unit, rows);
                done += rows;
                progress?.Report((double)done / n);
            }
        }
        var ms = acc.Finish(scaling.IsConstant);
        return new ReportFrame("MonoSemanticity (neurons)")
            .Add("neuron", Enumerable.Range(0, k).ToArray())
            .Add("ms", ms)
            .Add("support", acc.Support)
            .Add("dead", ms.Select(double.IsNaN).ToArray())
            .WithParameter("samples", n).WithParameter("neurons", k)
            .WithParameter("embedding_width", e)
            .WithParameter("top_n", "all")
            .WithParameter("weights", "min-max scaled activations");
    }

    private static void CheckFinite(ReadOnlySpan<float> block, int width, long firstRow, string column)
    {
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw new ConceptDataException($"Column '{column}': value {block[i]} at row {firstRow + i / width}, slot {i % width} is not finite.");
    }
}
