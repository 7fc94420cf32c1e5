using MlNetConcepts.Compute;
using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Float64 column sums of a block of compressed sparse rows, added to running sums at O(nnz), with finiteness
/// checked on the way (an error names the source, row and column). The rows are cut into pieces of
/// <see cref="PieceRows"/>; each piece is summed into its own partial sums on a compute thread and the partials
/// are added to the running sums in piece order, so the result depends on neither the thread count nor the
/// timing. The plain form is <see cref="AddReference"/> (one float64 addition per stored value, in row order);
/// the two differ only in the order of the float64 additions.
/// </summary>
internal static class SparseColumnSums
{
    /// <summary>Rows per piece: about 150,000 stored values for SAE codes (c = 4,096, 9 % nonzero) against c doubles to merge.</summary>
    internal const int PieceRows = 1024;

    [ThreadStatic] private static double[]? _partials;

    public static void Add(SparseBatch block, double[] sums, long firstRow, string source)
        => Add(block, sums, firstRow, source, ComputeSettings.Threads);

    /// <summary>As <see cref="Add(SparseBatch, double[], long, string)"/> on at most <paramref name="threads"/> threads.</summary>
    internal static void Add(SparseBatch block, double[] sums, long firstRow, string source, int threads)
    {
        int rows = block.Rows, width = sums.Length;
        if (rows == 0) return;
        int pieces = (rows + PieceRows - 1) / PieceRows;
        if (pieces == 1)
        {
            AddReference(block, sums, firstRow, source);
            return;
        }
        long need = (long)pieces * width;
        var partials = _partials is { } p0 && p0.Length >= need ? p0 : _partials = new double[need];
        bool bad = false;
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var partial = partials.AsSpan(i * width, width);
            partial.Clear();
            if (!AddPiece(block, i * PieceRows, Math.Min(rows, (i + 1) * PieceRows), partial)) bad = true;
        });
        if (bad) AddReference(block, new double[width], firstRow, source); // finds the first value that is not finite and throws
        for (int i = 0; i < pieces; i++)
            System.Numerics.Tensors.TensorPrimitives.Add(sums, partials.AsSpan(i * width, width), sums);
    }

    // Rows [r0, r1) added into partial. False when a value is not finite (the sum then carries it: NaN or ±∞).
    private static bool AddPiece(SparseBatch block, int r0, int r1, Span<double> partial)
    {
        var offsets = block.RowOffsets.Span;
        var indices = block.Indices.Span[offsets[r0]..offsets[r1]];
        var values = block.Values.Span[offsets[r0]..offsets[r1]];
        float check = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            float v = values[i];
            check += v - v; // 0 for finite values, NaN otherwise
            partial[indices[i]] += v;
        }
        return check == 0;
    }

    /// <summary>The plain sums: every stored value added to its column's float64 sum in row order.</summary>
    internal static void AddReference(SparseBatch block, double[] sums, long firstRow, string source)
    {
        for (int r = 0; r < block.Rows; r++)
        {
            var idx = block.RowIndices(r);
            var val = block.RowValues(r);
            for (int i = 0; i < idx.Length; i++)
            {
                if (!float.IsFinite(val[i])) throw new ConceptDataException($"{source}: value {val[i]} at row {firstRow + r}, column {idx[i]} is not finite.");
                sums[idx[i]] += val[i];
            }
        }
    }
}
