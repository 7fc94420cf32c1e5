using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// The lazy output of a <see cref="BlockMappingTransformer"/>: the input's columns pass through a source cursor,
/// the added ones are computed a block ahead from a <see cref="RowBlockReader"/> over the same input, and the two
/// move in lock step (same view, same order; the row ids are checked).
/// </summary>
internal sealed class MappedDataView : IDataView
{
    private readonly BlockMappingTransformer _transformer;
    private readonly IDataView _input;
    private readonly AddedColumn[] _added;

    public MappedDataView(BlockMappingTransformer transformer, IDataView input)
    {
        _transformer = transformer;
        _input = input;
        _added = transformer.AddedColumns(input.Schema).ToArray();
        Schema = transformer.GetOutputSchema(input.Schema);
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = _input.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var passThrough = needed.Where(i => i < inputCount).Select(i => _input.Schema[i]);
        bool anyAdded = needed.Any(i => i >= inputCount);
        return new Cursor(this, _input.GetRowCursor(passThrough),
            anyAdded ? new RowBlockReader(_input, _transformer.InputColumns, _transformer.BlockRows) : null, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(MappedDataView view, DataViewRowCursor source, RowBlockReader? reader, HashSet<int> active) : DataViewRowCursor
    {
        private BlockOutputs? _block;
        private int _row = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => source.Position;
        public override long Batch => source.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!source.MoveNext()) return false;
            if (reader is null) return true;
            if (_block is null || ++_row >= _block.Rows)
            {
                if (!reader.MoveNext()) throw new InvalidOperationException("The input view gave fewer rows to the block reader than to the row cursor.");
                if (reader.BlockStart != source.Position)
                    throw new InvalidOperationException($"The block reader is at row {reader.BlockStart} but the row cursor at {source.Position}.");
                _block = view._transformer.MapBlock(reader);
                _row = 0;
            }
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = view._input.Schema.Count;
            if (column.Index < inputCount) return source.GetGetter<TValue>(view._input.Schema[column.Index]);
            var added = view._added[column.Index - inputCount];
            return (ValueGetter<TValue>)BlockMappingTransformer.OutputGetter(added, () => (_block!, _row));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) { source.Dispose(); reader?.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
