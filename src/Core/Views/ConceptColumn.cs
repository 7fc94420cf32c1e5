using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// One column of a <see cref="ColumnDataView"/>: its name, ML.NET type, optional slot names and how a
/// block of rows is read. Float vector columns hand out contiguous row-major blocks (straight from
/// the array or the memory mapping where they can), so the kernels read them without copying.
/// </summary>
public abstract class ConceptColumn
{
    /// <summary>Creates a column of <paramref name="rows"/> rows.</summary>
    protected ConceptColumn(string name, DataViewType type, long rows, IReadOnlyList<string>? slotNames = null)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("A column needs a name.", nameof(name));
        Name = name;
        Type = type;
        Rows = rows;
        if (slotNames is not null && slotNames.Count != Width)
            throw new ConceptDataException($"Column '{name}': {slotNames.Count} slot names were given for {Width} slots.");
        SlotNames = slotNames;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }
    /// <summary>ML.NET type of the column.</summary>
    public DataViewType Type { get; }
    /// <summary>Number of rows.</summary>
    public long Rows { get; }
    /// <summary>Slot names (the <c>SlotNames</c> annotation), or null.</summary>
    public IReadOnlyList<string>? SlotNames { get; }
    /// <summary>Values per row (1 for a scalar).</summary>
    public int Width => Type is VectorDataViewType v ? v.Size : 1;
    /// <summary>True for a float vector column.</summary>
    public bool IsFloatVector => Type is VectorDataViewType { ItemType: NumberDataViewType n } && n == NumberDataViewType.Single;
    /// <summary>True when <see cref="DenseBlock"/> returns spans into the storage (no copy, nothing written to the scratch buffer).</summary>
    public virtual bool BlocksAreViews => false;
    /// <summary>True when the rows are stored sparse.</summary>
    public virtual bool IsSparse => false;

    /// <summary>
    /// Rows [start, start + count) of a float vector column, row-major. Where the storage allows the span
    /// points into it (no copy); otherwise the rows are written into <paramref name="scratch"/> (grown as needed).
    /// </summary>
    public virtual ReadOnlySpan<float> DenseBlock(long start, int count, scoped ref float[]? scratch)
    {
        var sparse = SparseBlock(start, count);
        int n = checked(count * Width);
        if (scratch is null || scratch.Length < n) scratch = new float[n];
        sparse.CopyToDense(scratch);
        return scratch.AsSpan(0, n);
    }

    /// <summary>
    /// Rows [start, start + count) of a dense float vector column as a memory into the storage itself (an array or a
    /// memory mapping), for kernels that hold a block, pin it and share it between threads; false when the column
    /// cannot lend its storage (its rows are converted or densified on reading). Valid while the view is open.
    /// </summary>
    public virtual bool TryDenseMemory(long start, int count, out ReadOnlyMemory<float> rows)
    {
        rows = default;
        return false;
    }

    /// <summary>Rows [start, start + count) of a float vector column in compressed-row form.</summary>
    public virtual SparseBatch SparseBlock(long start, int count)
    {
        float[]? scratch = null;
        return SparseBatch.FromDense(DenseBlock(start, count, ref scratch), count, Width);
    }

    /// <summary>The value of a scalar column at <paramref name="row"/> (only scalar columns implement it).</summary>
    internal virtual ValueGetter<T> ScalarGetter<T>(Func<long> row)
        => throw new InvalidOperationException($"Column '{Name}' is not a scalar column.");

    /// <summary>The column's annotations (slot names when there are some).</summary>
    internal DataViewSchema.Annotations Annotations()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (SlotNames is { } names) builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Count), SlotNameGetter(names));
        return builder.ToAnnotations();
    }

    internal static ValueGetter<VBuffer<ReadOnlyMemory<char>>> SlotNameGetter(IReadOnlyList<string> names) => (ref VBuffer<ReadOnlyMemory<char>> dst) =>
    {
        var editor = VBufferEditor.Create(ref dst, names.Count);
        for (int i = 0; i < names.Count; i++) editor.Values[i] = names[i].AsMemory();
        dst = editor.Commit();
    };

    /// <summary>Checks a block request against the row count.</summary>
    protected void CheckRange(long start, int count)
    {
        if (start < 0 || count < 0 || start > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside the {Rows} rows of column '{Name}'.");
    }
}
