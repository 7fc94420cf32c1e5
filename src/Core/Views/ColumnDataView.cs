using Microsoft.ML;

namespace MlNetConcepts.Views;

/// <summary>
/// The project's own <see cref="IDataView"/>: columns of equal length held in arrays, memory-mapped
/// <c>.npy</c> files or sparse <c>.npz</c> codes (one <see cref="ConceptColumn"/> each). ML.NET components
/// read it row by row through its cursor; <see cref="RowBlockReader"/> reads it a block at a time straight
/// from the columns (zero-copy for arrays and mappings). Disposing the view closes its files.
/// </summary>
public sealed class ColumnDataView : IDataView, IDisposable
{
    private readonly ConceptColumn[] _columns;

    /// <summary>A view over <paramref name="columns"/>, which must all have the same number of rows.</summary>
    public ColumnDataView(params ConceptColumn[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("A view needs at least one column.", nameof(columns));
        foreach (var c in columns)
            if (c.Rows != columns[0].Rows)
                throw new ConceptDataException($"Column '{columns[0].Name}' has {columns[0].Rows} rows but column '{c.Name}' has {c.Rows}; the rows of a view must be the same samples.");
        var names = columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ConceptDataException($"Column '{names.Key}' appears twice in one view.");
        _columns = columns;
        var builder = new DataViewSchema.Builder();
        foreach (var c in columns) builder.AddColumn(c.Name, c.Type, c.Annotations());
        Schema = builder.ToSchema();
    }

    /// <summary>Number of rows.</summary>
    public long RowCount => _columns[0].Rows;

    /// <summary>The columns, in schema order.</summary>
    public IReadOnlyList<ConceptColumn> Columns => _columns;

    /// <summary>The column named <paramref name="name"/>; a clear error listing the columns otherwise.</summary>
    public ConceptColumn Column(string name)
        => _columns.FirstOrDefault(c => c.Name == name)
           ?? throw new ConceptDataException($"Column '{name}' is not in the view (columns: {string.Join(", ", _columns.Select(c => c.Name))}).");

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => RowCount;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new ColumnDataViewCursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Closes the files behind the columns.</summary>
    public void Dispose()
    {
        foreach (var c in _columns) (c as IDisposable)?.Dispose();
    }
}
