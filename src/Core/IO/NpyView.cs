using MlNetConcepts.Data;

namespace MlNetConcepts.IO;

/// <summary>
/// A view with one dense float vector column over a memory-mapped float32 <c>.npy</c> matrix.
/// Each cursor block is copied from the mapping into a buffer owned by the cursor, so only the
/// rows being read are paged in and the file never has to fit in memory. Dispose the view to
/// unmap the file (cursors opened on it must be finished first).
/// </summary>
public sealed class NpyView : IConceptView, IDisposable
{
    private readonly NpyMappedMatrix _matrix;

    /// <summary>Maps <paramref name="path"/> as a view whose single column is named <paramref name="column"/>.</summary>
    public NpyView(string path, string column = "Features")
    {
        _matrix = NpyMappedMatrix.Open(path);
        Schema = new ViewSchema([new ViewColumn(column, ColumnType.DenseVector(_matrix.Cols))]);
    }

    /// <summary>The mapped matrix underneath.</summary>
    public NpyMappedMatrix Matrix => _matrix;

    /// <inheritdoc />
    public ViewSchema Schema { get; }

    /// <inheritdoc />
    public long? RowCount => _matrix.Rows;

    /// <inheritdoc />
    public IBatchCursor GetCursor(int batchSize = IConceptView.DefaultBatchSize, IReadOnlyCollection<string>? columns = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one row.");
        if (columns is not null) foreach (var c in columns) _ = Schema[c]; // unknown names fail here, listing the column
        return new Cursor(this, batchSize, columns);
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose() => _matrix.Dispose();

    private sealed class Cursor(NpyView view, int batchSize, IReadOnlyCollection<string>? columns)
        : BatchCursorBase(view.Schema, columns)
    {
        private long _next;
        private float[]? _buffer;

        protected override bool Advance()
        {
            long rows = view._matrix.Rows;
            if (_next >= rows) { BatchRows = 0; return false; }
            BatchStart = _next;
            BatchRows = (int)Math.Min(batchSize, rows - _next);
            _next += BatchRows;
            return true;
        }

        protected override object LoadBlock(int column)
        {
            int cols = view._matrix.Cols;
            int n = checked(BatchRows * cols);
            // One buffer per cursor, reused: blocks are only valid until the next MoveNext anyway.
            if (_buffer is null || _buffer.Length < n) _buffer = new float[checked(Math.Min(batchSize, (int)Math.Min(int.MaxValue, view._matrix.Rows)) * cols)];
            view._matrix.CopyRows(BatchStart, BatchRows, _buffer);
            return (ReadOnlyMemory<float>)_buffer.AsMemory(0, n);
        }
    }
}
