using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// Row cursor of a <see cref="ColumnDataView"/>. Vector columns are read a block of rows at a time from the
/// column (a span into the array or mapping for dense ones) and each row is copied into the caller's VBuffer.
/// </summary>
internal sealed class ColumnDataViewCursor : DataViewRowCursor
{
    private const int BlockRows = 256;
    private readonly ColumnDataView _view;
    private readonly HashSet<int> _active;
    private long _position = -1;
    private readonly float[]?[] _scratch;
    private readonly long[] _blockStart;
    private readonly SparseBatch?[] _sparse;

    public ColumnDataViewCursor(ColumnDataView view, HashSet<int> active)
    {
        _view = view;
        _active = active;
        int n = view.Columns.Count;
        _scratch = new float[n][];
        _blockStart = Enumerable.Repeat(-1L, n).ToArray();
        _sparse = new SparseBatch[n];
    }

    public override DataViewSchema Schema => _view.Schema;
    public override long Position => _position;
    public override long Batch => 0;

    public override bool MoveNext()
    {
        if (_position + 1 >= _view.RowCount) { _position = _view.RowCount; return false; }
        _position++;
        return true;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was opened.");
        var col = _view.Columns[column.Index];
        if (!col.IsFloatVector) return col.ScalarGetter<TValue>(() => _position);
        if (typeof(TValue) != typeof(VBuffer<float>))
            throw new InvalidOperationException($"Column '{col.Name}' is a vector of Single; read it as VBuffer<float>, not {typeof(TValue).Name}.");
        int i = column.Index, w = col.Width;
        ValueGetter<VBuffer<float>> getter = col.IsSparse
            ? (ref VBuffer<float> dst) =>
            {
                var block = SparseBlockOf(i, col);
                int r = (int)(_position - _blockStart[i]);
                var idx = block.RowIndices(r);
                var val = block.RowValues(r);
                var editor = VBufferEditor.Create(ref dst, w, idx.Length);
                idx.CopyTo(editor.Indices);
                val.CopyTo(editor.Values);
                dst = editor.Commit();
            }
            : (ref VBuffer<float> dst) =>
            {
                long start = _position / BlockRows * BlockRows;
                int count = (int)Math.Min(BlockRows, _view.RowCount - start);
                ReadOnlySpan<float> block;
                if (col.BlocksAreViews) block = col.DenseBlock(start, count, ref _scratch[i]);
                else
                {
                    // A converted or file-read block is made once per block, not once per row.
                    if (_blockStart[i] != start) { col.DenseBlock(start, count, ref _scratch[i]); _blockStart[i] = start; }
                    block = _scratch[i];
                }
                var editor = VBufferEditor.Create(ref dst, w);
                block.Slice((int)(_position - start) * w, w).CopyTo(editor.Values);
                dst = editor.Commit();
            };
        return (ValueGetter<TValue>)(Delegate)getter;
    }

    private SparseBatch SparseBlockOf(int i, ConceptColumn col)
    {
        long start = _position / BlockRows * BlockRows;
        if (_blockStart[i] != start || _sparse[i] is null)
        {
            _sparse[i] = col.SparseBlock(start, (int)Math.Min(BlockRows, _view.RowCount - start));
            _blockStart[i] = start;
        }
        return _sparse[i]!;
    }
}
