namespace MlNetConcepts.Views;

/// <summary>
/// A block of sparse vector rows in compressed-row form: row r holds the slots
/// <c>Indices[RowOffsets[r]..RowOffsets[r+1]]</c> with the matching <c>Values</c>.
/// Indices within a row are ascending.
/// </summary>
public sealed class SparseBatch
{
    /// <summary>Wraps compressed-row arrays; <paramref name="rowOffsets"/> has rows+1 entries starting at 0.</summary>
    public SparseBatch(int width, ReadOnlyMemory<int> rowOffsets, ReadOnlyMemory<int> indices, ReadOnlyMemory<float> values)
    {
        if (rowOffsets.Length < 1) throw new ArgumentException("Row offsets need at least one entry.", nameof(rowOffsets));
        if (indices.Length != values.Length) throw new ArgumentException("Indices and values differ in length.");
        Width = width;
        RowOffsets = rowOffsets;
        Indices = indices;
        Values = values;
    }

    /// <summary>Number of slots per row.</summary>
    public int Width { get; }
    /// <summary>Number of rows.</summary>
    public int Rows => RowOffsets.Length - 1;
    /// <summary>Row start offsets (rows + 1 entries, the first is 0).</summary>
    public ReadOnlyMemory<int> RowOffsets { get; }
    /// <summary>Slot index of each stored value.</summary>
    public ReadOnlyMemory<int> Indices { get; }
    /// <summary>Stored values.</summary>
    public ReadOnlyMemory<float> Values { get; }
    /// <summary>Number of stored values.</summary>
    public int NonZeroCount => Values.Length;

    /// <summary>Slot indices of one row.</summary>
    public ReadOnlySpan<int> RowIndices(int row)
    {
        var o = RowOffsets.Span;
        return Indices.Span[o[row]..o[row + 1]];
    }

    /// <summary>Values of one row.</summary>
    public ReadOnlySpan<float> RowValues(int row)
    {
        var o = RowOffsets.Span;
        return Values.Span[o[row]..o[row + 1]];
    }

    /// <summary>Writes the rows densely into <paramref name="destination"/> (rows × width, zero-filled first).</summary>
    public void CopyToDense(Span<float> destination)
    {
        if (destination.Length < Rows * Width) throw new ArgumentException("Destination is too small.", nameof(destination));
        destination[..(Rows * Width)].Clear();
        for (int r = 0; r < Rows; r++)
        {
            var idx = RowIndices(r);
            var val = RowValues(r);
            var row = destination.Slice(r * Width, Width);
            for (int i = 0; i < idx.Length; i++) row[idx[i]] = val[i];
        }
    }

    /// <summary>A dense copy (rows × width).</summary>
    public float[] ToDense()
    {
        var d = new float[Rows * Width];
        CopyToDense(d);
        return d;
    }

    /// <summary>Builds a sparse batch from dense rows, keeping the nonzero entries.</summary>
    public static SparseBatch FromDense(ReadOnlySpan<float> dense, int rows, int width)
    {
        var offsets = new int[rows + 1];
        var idx = new List<int>();
        var val = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            var row = dense.Slice(r * width, width);
            for (int j = 0; j < width; j++)
                if (row[j] != 0f) { idx.Add(j); val.Add(row[j]); }
            offsets[r + 1] = idx.Count;
        }
        return new SparseBatch(width, offsets, idx.ToArray(), val.ToArray());
    }
}
