using MlNetConcepts.Data;

namespace MlNetConcepts.Reports;

public sealed partial class ReportFrame
{
    /// <inheritdoc />
    public ViewSchema Schema => new(_columns.Select(c => new ViewColumn(c.Name, new ColumnType(c.Kind))));

    /// <inheritdoc />
    public long? RowCount => Rows;

    /// <inheritdoc />
    public IBatchCursor GetCursor(int batchSize = IConceptView.DefaultBatchSize, IReadOnlyCollection<string>? columns = null)
    {
        var b = InMemoryView.Create();
        foreach (var c in _columns)
        {
            switch (c.Values)
            {
                case double[] a: b.AddDoubles(c.Name, a); break;
                case int[] a: b.AddInt32s(c.Name, a); break;
                case long[] a: b.AddInt64s(c.Name, a); break;
                case bool[] a: b.AddBooleans(c.Name, a); break;
                case string[] a: b.AddStrings(c.Name, a); break;
            }
        }
        return b.Build().GetCursor(batchSize, columns);
    }
}
