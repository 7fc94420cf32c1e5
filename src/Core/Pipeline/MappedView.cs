using MlNetConcepts.Data;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// The lazy output of a <see cref="RowMapperTransformer"/>: passes the input's columns through
/// and computes the added ones for a block only when one of them is read.
/// </summary>
internal sealed class MappedView(
    IConceptView source,
    ViewSchema schema,
    IReadOnlyList<ViewColumn> added,
    IReadOnlyList<string> inputColumns,
    Action<IBatchCursor, RowMapperTransformer.BlockOutput> map) : IConceptView
{
    public ViewSchema Schema => schema;

    public long? RowCount => source.RowCount;

    public IBatchCursor GetCursor(int batchSize = IConceptView.DefaultBatchSize, IReadOnlyCollection<string>? columns = null)
    {
        var addedNames = added.Select(a => a.Name).ToHashSet();
        HashSet<string>? needed = null;
        if (columns is not null)
        {
            foreach (var c in columns) _ = schema[c]; // unknown names fail here, with the list of columns
            needed = columns.Where(c => !addedNames.Contains(c)).ToHashSet();
            if (columns.Any(addedNames.Contains)) needed.UnionWith(inputColumns);
        }
        return new Cursor(this, source.GetCursor(batchSize, needed), columns, addedNames);
    }

    private sealed class Cursor(MappedView view, IBatchCursor inner, IReadOnlyCollection<string>? columns, HashSet<string> addedNames)
        : BatchCursorBase(view.Schema, columns)
    {
        private RowMapperTransformer.BlockOutput? _output;

        protected override bool Advance()
        {
            _output = null;
            if (!inner.MoveNext()) { BatchRows = 0; return false; }
            BatchStart = inner.BatchStart;
            BatchRows = inner.BatchRows;
            return true;
        }

        protected override object LoadBlock(int column)
        {
            var col = Schema[column];
            if (addedNames.Contains(col.Name))
            {
                if (_output is null)
                {
                    _output = new RowMapperTransformer.BlockOutput(view.GetAdded(), BatchRows);
                    view.Map(inner, _output);
                }
                return _output.Get(col.Name);
            }
            int src = inner.Schema[col.Name].Index;
            // Pass-through columns share the source's block (valid until both cursors move on);
            // only cursors of other kinds need a copy.
            if (inner is BatchCursorBase source) return source.BlockObject(src);
            return col.Type switch
            {
                { IsSparse: true } => inner.GetSparse(src),
                { Kind: DataKind.Float32 } => (ReadOnlyMemory<float>)inner.GetFloats(src).ToArray(),
                { Kind: DataKind.Float64 } => (ReadOnlyMemory<double>)inner.GetDoubles(src).ToArray(),
                { Kind: DataKind.Int32 } => (ReadOnlyMemory<int>)inner.GetInt32s(src).ToArray(),
                { Kind: DataKind.Int64 } => (ReadOnlyMemory<long>)inner.GetInt64s(src).ToArray(),
                { Kind: DataKind.Boolean } => (ReadOnlyMemory<bool>)inner.GetBooleans(src).ToArray(),
                _ => inner.GetStrings(src),
            };
        }

        public override void Dispose()
        {
            inner.Dispose();
            base.Dispose();
        }
    }

    private IReadOnlyList<ViewColumn> GetAdded() => added;

    private void Map(IBatchCursor input, RowMapperTransformer.BlockOutput output) => map(input, output);
}
