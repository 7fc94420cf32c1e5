using Microsoft.ML;

namespace MlNetConcepts.Tests.Core.Views;

/// <summary>
/// Hides the project's own view type, so readers take ML.NET's generic row cursor instead of the block fast path.
/// By default it also hides the row count (a view that can only stream); <paramref name="tellRowCount"/> keeps it.
/// Counts the cursors opened, i.e. the passes a reader makes over the data.
/// </summary>
internal sealed class OpaqueView(IDataView inner, bool tellRowCount = false) : IDataView
{
    public int Passes { get; private set; }
    public bool CanShuffle => false;
    public DataViewSchema Schema => inner.Schema;
    public long? GetRowCount() => tellRowCount ? inner.GetRowCount() : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Passes++;
        return inner.GetRowCursor(columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];
}
