using MlNetConcepts.Data;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// Base for transformers that add columns computed block by block from the input columns
/// (the common case: encoders, distance scorers). Subclasses declare the added columns and fill
/// them for one block; the base class provides the lazy view and column pass-through.
/// </summary>
public abstract class RowMapperTransformer : IConceptTransformer
{
    /// <summary>The columns this transformer adds; validates the input schema (throw a clear error when unsuitable).</summary>
    protected abstract IReadOnlyList<ViewColumn> GetAddedColumns(ViewSchema inputSchema);

    /// <summary>Input columns the mapping reads, so cursors can skip the rest.</summary>
    protected abstract IReadOnlyList<string> GetInputColumns(ViewSchema inputSchema);

    /// <summary>
    /// Computes every added column for the current block of <paramref name="input"/> and stores
    /// them in <paramref name="output"/>.
    /// </summary>
    protected abstract void MapBlock(IBatchCursor input, BlockOutput output);

    /// <inheritdoc />
    public ViewSchema GetOutputSchema(ViewSchema inputSchema) => inputSchema.With(GetAddedColumns(inputSchema).ToArray());

    /// <inheritdoc />
    public IConceptView Transform(IConceptView input)
    {
        var added = GetAddedColumns(input.Schema);
        return new MappedView(input, input.Schema.With(added.ToArray()), added, GetInputColumns(input.Schema), MapBlock);
    }

    /// <summary>Holds the added columns of one block while the mapping fills them.</summary>
    public sealed class BlockOutput
    {
        private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
        private readonly IReadOnlyList<ViewColumn> _columns;

        internal BlockOutput(IReadOnlyList<ViewColumn> columns, int rows)
        {
            _columns = columns;
            Rows = rows;
        }

        /// <summary>Rows in the current block.</summary>
        public int Rows { get; }

        internal object Get(string name) => _values.TryGetValue(name, out var v)
            ? v
            : throw new InvalidOperationException($"The transformer did not produce column '{name}' for this block.");

        private ViewColumn Column(string name) => _columns.FirstOrDefault(c => c.Name == name)
            ?? throw new InvalidOperationException($"Column '{name}' is not one of the transformer's added columns.");

        /// <summary>Sets a float column (rows × width values).</summary>
        public void SetFloats(string name, float[] values)
        {
            var c = Column(name);
            if (values.Length != Rows * Math.Max(1, c.Type.VectorSize))
                throw new InvalidOperationException($"Column '{name}' needs {Rows * Math.Max(1, c.Type.VectorSize)} values, got {values.Length}.");
            _values[name] = (ReadOnlyMemory<float>)values;
        }

        /// <summary>Sets a sparse vector column.</summary>
        public void SetSparse(string name, SparseBatch values) { Column(name); _values[name] = values; }
        /// <summary>Sets an int column.</summary>
        public void SetInt32s(string name, int[] values) { Column(name); _values[name] = (ReadOnlyMemory<int>)values; }
        /// <summary>Sets a long column.</summary>
        public void SetInt64s(string name, long[] values) { Column(name); _values[name] = (ReadOnlyMemory<long>)values; }
        /// <summary>Sets a double column.</summary>
        public void SetDoubles(string name, double[] values) { Column(name); _values[name] = (ReadOnlyMemory<double>)values; }
        /// <summary>Sets a boolean column.</summary>
        public void SetBooleans(string name, bool[] values) { Column(name); _values[name] = (ReadOnlyMemory<bool>)values; }
        /// <summary>Sets a string column.</summary>
        public void SetStrings(string name, string[] values) { Column(name); _values[name] = values; }
    }
}
