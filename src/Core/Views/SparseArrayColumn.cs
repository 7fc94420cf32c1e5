using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>A sparse float vector column over compressed rows held in memory; sparse blocks are slices of them.</summary>
public sealed class SparseArrayColumn : ConceptColumn
{
    private readonly SparseBatch _rows;

    /// <summary>Wraps all rows of the column in compressed-row form.</summary>
    public SparseArrayColumn(string name, SparseBatch rows, IReadOnlyList<string>? slotNames = null)
        : base(name, new VectorDataViewType(NumberDataViewType.Single, rows.Width), rows.Rows, slotNames)
        => _rows = rows;

    /// <inheritdoc />
    public override bool IsSparse => true;

    /// <inheritdoc />
    public override SparseBatch SparseBlock(long start, int count)
    {
        CheckRange(start, count);
        var all = _rows.RowOffsets.Span;
        int s = checked((int)start);
        int first = all[s], last = all[s + count];
        var offsets = new int[count + 1];
        for (int r = 0; r <= count; r++) offsets[r] = all[s + r] - first;
        return new SparseBatch(Width, offsets, _rows.Indices[first..last], _rows.Values[first..last]);
    }
}
