using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// Single-row mapping of a <see cref="BlockMappingTransformer"/> (what <c>PredictionEngine</c> uses): the input
/// row's columns become a one-row block and go through the same <see cref="BlockMappingTransformer.MapBlock"/>.
/// </summary>
internal sealed class BlockRowMapper : IRowToRowMapper
{
    private readonly BlockMappingTransformer _transformer;
    private readonly AddedColumn[] _added;

    public BlockRowMapper(BlockMappingTransformer transformer, DataViewSchema inputSchema)
    {
        _transformer = transformer;
        _added = transformer.AddedColumns(inputSchema).ToArray();
        InputSchema = inputSchema;
        OutputSchema = transformer.GetOutputSchema(inputSchema);
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var list = dependingColumns.ToList();
        var needed = list.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToList();
        if (list.Any(c => c.Index >= InputSchema.Count)) needed.AddRange(_transformer.InputColumns.Select(n => InputSchema[n]));
        return needed.DistinctBy(c => c.Index);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new Row(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class Row(BlockRowMapper mapper, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        private long _computedAt = -1;
        private BlockOutputs? _block;
        private readonly Dictionary<string, ValueGetter<VBuffer<float>>> _vectorGetters = new();
        private readonly Dictionary<string, ValueGetter<int>> _intGetters = new();
        private readonly Dictionary<string, ValueGetter<ReadOnlyMemory<char>>> _textGetters = new();

        public override DataViewSchema Schema => mapper.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = mapper.InputSchema.Count;
            if (column.Index < inputCount) return input.GetGetter<TValue>(mapper.InputSchema[column.Index]);
            var added = mapper._added[column.Index - inputCount];
            return (ValueGetter<TValue>)BlockMappingTransformer.OutputGetter(added, () => (Compute(), 0));
        }

        private BlockOutputs Compute()
        {
            if (_block is not null && _computedAt == input.Position) return _block;
            var one = new OneRow(input.Position);
            foreach (var name in mapper._transformer.InputColumns)
            {
                var col = mapper.InputSchema[name];
                if (col.Type is TextDataViewType)
                {
                    if (!_textGetters.TryGetValue(name, out var get)) _textGetters[name] = get = input.GetGetter<ReadOnlyMemory<char>>(col);
                    ReadOnlyMemory<char> value = default;
                    get(ref value);
                    one.Texts[name] = [value.ToString()];
                }
                else if (col.Type is VectorDataViewType v)
                {
                    if (!_vectorGetters.TryGetValue(name, out var get)) _vectorGetters[name] = get = input.GetGetter<VBuffer<float>>(col);
                    VBuffer<float> value = default;
                    get(ref value);
                    var dense = new float[v.Size];
                    value.CopyTo(dense);
                    one.Vectors[name] = dense;
                }
                else
                {
                    if (!_intGetters.TryGetValue(name, out var get)) _intGetters[name] = get = input.GetGetter<int>(col);
                    int value = 0;
                    get(ref value);
                    one.Ints[name] = [value];
                }
            }
            _block = mapper._transformer.MapBlock(one);
            _computedAt = input.Position;
            return _block;
        }
    }

    private sealed class OneRow(long position) : IRowBlock
    {
        public Dictionary<string, float[]> Vectors { get; } = new();
        public Dictionary<string, int[]> Ints { get; } = new();
        public Dictionary<string, string[]> Texts { get; } = new();
        public long BlockStart => position;
        public int BlockRows => 1;
        public ReadOnlySpan<float> Floats(string column) => Vectors[column];
        public SparseBatch Sparse(string column) => SparseBatch.FromDense(Vectors[column], 1, Vectors[column].Length);
        public ReadOnlySpan<int> Int32s(string column) => Ints[column];
        public IReadOnlyList<string> Strings(string column) => Texts[column];
    }
}
