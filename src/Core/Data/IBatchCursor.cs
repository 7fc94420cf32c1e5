namespace MlNetConcepts.Data;

/// <summary>
/// Reads a view a block of rows at a time. After <see cref="MoveNext"/> returns true, the
/// getters return the current block of a column: a dense float vector column comes back as
/// one contiguous span of <c>BatchRows × width</c> values (row-major), so kernels work on whole
/// blocks. The spans are valid until the next call to <see cref="MoveNext"/>.
/// </summary>
public interface IBatchCursor : IDisposable
{
    /// <summary>Schema of the rows this cursor reads.</summary>
    ViewSchema Schema { get; }

    /// <summary>Index of the first row of the current block within the view.</summary>
    long BatchStart { get; }

    /// <summary>Number of rows in the current block.</summary>
    int BatchRows { get; }

    /// <summary>Moves to the next block; false at the end of the data.</summary>
    bool MoveNext();

    /// <summary>A Float32 column's block: rows × width values (a sparse column is densified).</summary>
    ReadOnlySpan<float> GetFloats(int column);

    /// <summary>A Float64 column's block.</summary>
    ReadOnlySpan<double> GetDoubles(int column);

    /// <summary>An Int32 column's block.</summary>
    ReadOnlySpan<int> GetInt32s(int column);

    /// <summary>An Int64 column's block.</summary>
    ReadOnlySpan<long> GetInt64s(int column);

    /// <summary>A Boolean column's block.</summary>
    ReadOnlySpan<bool> GetBooleans(int column);

    /// <summary>A String column's block.</summary>
    IReadOnlyList<string> GetStrings(int column);

    /// <summary>A float vector column's block in compressed-row form (a dense column is converted).</summary>
    SparseBatch GetSparse(int column);
}
