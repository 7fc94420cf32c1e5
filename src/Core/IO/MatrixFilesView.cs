using MlNetConcepts.Data;

namespace MlNetConcepts.IO;

/// <summary>
/// A view whose columns are matrix files with aligned rows (row n of every file is sample n), one
/// float vector column per file: dense for <c>.npy</c>, sparse for CSR <c>.npz</c>. Cursors read a
/// block of rows from each requested file (see <see cref="MatrixFile"/>), so files of any size stream
/// through evaluators that take an <see cref="IConceptView"/>. A cursor holds one buffer of
/// batch rows × width × 4 bytes per dense column it reads. Disposing the view closes the files.
/// </summary>
public sealed class MatrixFilesView : IConceptView, IDisposable
{
    private readonly MatrixFile[] _files;

    private MatrixFilesView(MatrixFile[] files, string[] columns)
    {
        _files = files;
        Schema = new ViewSchema(files.Select((f, i) => new ViewColumn(columns[i],
            f.IsSparse ? ColumnType.SparseVector(f.Cols) : ColumnType.DenseVector(f.Cols))));
        RowCount = files.Length == 0 ? 0 : files[0].Rows;
    }

    /// <summary>
    /// Opens each (column name, path) pair; every file must have the same number of rows
    /// (the error names both files otherwise).
    /// </summary>
    public static MatrixFilesView Open(params (string Column, string Path)[] columns)
    {
        var files = new List<MatrixFile>();
        try
        {
            foreach (var (_, path) in columns)
            {
                var f = MatrixFile.Open(path);
                files.Add(f);
                if (f.Rows != files[0].Rows)
                    throw new ConceptDataException($"{files[0].Path} has {files[0].Rows} rows but {path} has {f.Rows}; their rows must be the same samples.");
            }
            return new MatrixFilesView(files.ToArray(), columns.Select(c => c.Column).ToArray());
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    /// <summary>The file behind a column.</summary>
    public MatrixFile File(string column) => _files[Schema[column].Index];

    /// <inheritdoc />
    public ViewSchema Schema { get; }

    /// <inheritdoc />
    public long? RowCount { get; }

    /// <inheritdoc />
    public IBatchCursor GetCursor(int batchSize = IConceptView.DefaultBatchSize, IReadOnlyCollection<string>? columns = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one row.");
        if (columns is not null) foreach (var c in columns) _ = Schema[c]; // unknown names fail here, listing the columns
        return new Cursor(this, batchSize, columns);
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }

    private sealed class Cursor(MatrixFilesView view, int batchSize, IReadOnlyCollection<string>? columns)
        : BatchCursorBase(view.Schema, columns)
    {
        private readonly float[]?[] _buffers = new float[view._files.Length][];
        private long _next;

        protected override bool Advance()
        {
            long rows = view.RowCount!.Value;
            if (_next >= rows) { BatchRows = 0; return false; }
            BatchStart = _next;
            BatchRows = (int)Math.Min(batchSize, rows - _next);
            _next += BatchRows;
            return true;
        }

        protected override object LoadBlock(int column)
        {
            var file = view._files[column];
            if (file.IsSparse) return file.ReadSparse(BatchStart, BatchRows);
            int n = checked(BatchRows * file.Cols);
            // One buffer per column, reused: a block is only valid until the next MoveNext anyway.
            var buffer = _buffers[column] ??= new float[checked((int)Math.Min(batchSize, view.RowCount!.Value) * file.Cols)];
            file.ReadRows(BatchStart, BatchRows, buffer);
            return (ReadOnlyMemory<float>)buffer.AsMemory(0, n);
        }
    }
}
