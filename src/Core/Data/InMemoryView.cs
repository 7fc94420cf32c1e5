namespace MlNetConcepts.Data;

/// <summary>
/// A view over arrays held in memory, one array per column (vectors row-major, sparse vectors
/// in compressed-row form). Blocks are slices of the arrays, so reading copies nothing.
/// Build one with <see cref="Builder"/>.
/// </summary>
public sealed class InMemoryView : IConceptView
{
    private readonly object[] _columns;
    private readonly long _rows;

    private InMemoryView(ViewSchema schema, object[] columns, long rows)
    {
        Schema = schema;
        _columns = columns;
        _rows = rows;
    }

    /// <inheritdoc />
    public ViewSchema Schema { get; }

    /// <inheritdoc />
    public long? RowCount => _rows;

    /// <summary>Starts building a view.</summary>
    public static Builder Create() => new();

    /// <summary>A view with one dense float vector column.</summary>
    public static InMemoryView FromMatrix(string column, float[] data, int width, IReadOnlyList<string>? slotNames = null)
        => Create().AddVector(column, data, width, slotNames).Build();

    /// <inheritdoc />
    public IBatchCursor GetCursor(int batchSize = IConceptView.DefaultBatchSize, IReadOnlyCollection<string>? columns = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one row.");
        return new Cursor(this, batchSize, columns);
    }

    private sealed class Cursor(InMemoryView view, int batchSize, IReadOnlyCollection<string>? columns)
        : BatchCursorBase(view.Schema, columns)
    {
        private long _next;

        protected override bool Advance()
        {
            if (_next >= view._rows) { BatchRows = 0; return false; }
            BatchStart = _next;
            BatchRows = (int)Math.Min(batchSize, view._rows - _next);
            _next += BatchRows;
            return true;
        }

        protected override object LoadBlock(int column)
        {
            var type = Schema[column].Type;
            int start = checked((int)BatchStart), rows = BatchRows;
            int w = Math.Max(1, type.VectorSize);
            return view._columns[column] switch
            {
                float[] a => (ReadOnlyMemory<float>)a.AsMemory(start * w, rows * w),
                double[] a => (ReadOnlyMemory<double>)a.AsMemory(start, rows),
                int[] a => (ReadOnlyMemory<int>)a.AsMemory(start, rows),
                long[] a => (ReadOnlyMemory<long>)a.AsMemory(start, rows),
                bool[] a => (ReadOnlyMemory<bool>)a.AsMemory(start, rows),
                string[] a => new ArraySegment<string>(a, start, rows),
                SparseBatch s => Slice(s, start, rows),
                _ => throw new InvalidOperationException("Unknown column storage."),
            };
        }

        private static SparseBatch Slice(SparseBatch s, int start, int rows)
        {
            var all = s.RowOffsets.Span;
            int first = all[start], last = all[start + rows];
            var offsets = new int[rows + 1];
            for (int r = 0; r <= rows; r++) offsets[r] = all[start + r] - first;
            return new SparseBatch(s.Width, offsets, s.Indices[first..last], s.Values[first..last]);
        }
    }

    /// <summary>Collects columns of equal row count and builds an <see cref="InMemoryView"/>.</summary>
    public sealed class Builder
    {
        private readonly List<ViewColumn> _schema = new();
        private readonly List<object> _data = new();
        private long? _rows;

        private Builder Add(ViewColumn column, object data, long rows)
        {
            if (_rows is long r && r != rows)
                throw new ConceptDataException($"Column '{column.Name}' has {rows} rows but the view already has {r}.");
            _rows = rows;
            _schema.Add(column);
            _data.Add(data);
            return this;
        }

        /// <summary>Adds a dense float vector column (row-major, rows = length / width).</summary>
        public Builder AddVector(string name, float[] data, int width, IReadOnlyList<string>? slotNames = null)
        {
            if (width < 1) throw new ConceptDataException($"Column '{name}': width must be at least 1, got {width}.");
            if (data.Length % width != 0)
                throw new ConceptDataException($"Column '{name}': {data.Length} values do not divide into rows of width {width}.");
            var col = new ViewColumn(name, ColumnType.DenseVector(width));
            if (slotNames is not null) col = col.WithSlotNames(slotNames);
            return Add(col, data, data.Length / width);
        }

        /// <summary>Adds a sparse float vector column.</summary>
        public Builder AddSparseVector(string name, SparseBatch rows, IReadOnlyList<string>? slotNames = null)
        {
            var col = new ViewColumn(name, ColumnType.SparseVector(rows.Width));
            if (slotNames is not null) col = col.WithSlotNames(slotNames);
            return Add(col, rows, rows.Rows);
        }

        /// <summary>Adds a scalar float column.</summary>
        public Builder AddFloats(string name, float[] values) => Add(new ViewColumn(name, ColumnType.Float32Scalar), values, values.Length);
        /// <summary>Adds a scalar double column.</summary>
        public Builder AddDoubles(string name, double[] values) => Add(new ViewColumn(name, ColumnType.Float64Scalar), values, values.Length);
        /// <summary>Adds a scalar int column.</summary>
        public Builder AddInt32s(string name, int[] values) => Add(new ViewColumn(name, ColumnType.Int32Scalar), values, values.Length);
        /// <summary>Adds a scalar long column.</summary>
        public Builder AddInt64s(string name, long[] values) => Add(new ViewColumn(name, ColumnType.Int64Scalar), values, values.Length);
        /// <summary>Adds a boolean column.</summary>
        public Builder AddBooleans(string name, bool[] values) => Add(new ViewColumn(name, ColumnType.BooleanScalar), values, values.Length);
        /// <summary>Adds a string column.</summary>
        public Builder AddStrings(string name, string[] values) => Add(new ViewColumn(name, ColumnType.Text), values, values.Length);

        /// <summary>Builds the view; a view needs at least one column.</summary>
        public InMemoryView Build()
        {
            if (_schema.Count == 0) throw new ConceptDataException("A view needs at least one column.");
            return new InMemoryView(new ViewSchema(_schema), _data.ToArray(), _rows ?? 0);
        }
    }
}
