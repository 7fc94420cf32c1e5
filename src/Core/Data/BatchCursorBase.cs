namespace MlNetConcepts.Data;

/// <summary>
/// Base for cursors: keeps the current block of each column once it was produced, converts
/// between dense and sparse storage on request, and checks column kinds so a wrong getter gives
/// a clear error instead of garbage.
/// </summary>
public abstract class BatchCursorBase : IBatchCursor
{
    private readonly object?[] _blocks;
    private readonly bool[]? _allowed;
    private bool _onBlock;

    /// <summary>Creates the cursor for a schema, optionally restricted to some columns.</summary>
    protected BatchCursorBase(ViewSchema schema, IReadOnlyCollection<string>? columns)
    {
        Schema = schema;
        _blocks = new object?[schema.Count];
        if (columns is not null)
        {
            _allowed = new bool[schema.Count];
            foreach (var name in columns) _allowed[schema[name].Index] = true;
        }
    }

    /// <inheritdoc />
    public ViewSchema Schema { get; }
    /// <inheritdoc />
    public long BatchStart { get; protected set; }
    /// <inheritdoc />
    public int BatchRows { get; protected set; }

    /// <summary>The current block of a column as stored (for views that pass columns through without copying).</summary>
    internal object BlockObject(int column) => Block(column);

    /// <summary>True when the caller asked for this column (or asked for all).</summary>
    protected bool IsRequested(int column) => _allowed is null || _allowed[column];

    /// <inheritdoc />
    public bool MoveNext()
    {
        Array.Clear(_blocks);
        _onBlock = Advance();
        return _onBlock;
    }

    /// <summary>Moves to the next block, setting <see cref="BatchStart"/> and <see cref="BatchRows"/>.</summary>
    protected abstract bool Advance();

    /// <summary>
    /// Produces the current block of a column: a <c>ReadOnlyMemory&lt;T&gt;</c> of the column's
    /// element type (rows × width for vectors), a <c>IReadOnlyList&lt;string&gt;</c>, or a
    /// <see cref="SparseBatch"/> for sparse columns.
    /// </summary>
    protected abstract object LoadBlock(int column);

    private object Block(int column)
    {
        if ((uint)column >= (uint)_blocks.Length)
            throw new ArgumentOutOfRangeException(nameof(column), column, $"The view has {_blocks.Length} columns.");
        if (_allowed is not null && !_allowed[column])
            throw new InvalidOperationException($"Column '{Schema[column].Name}' was not requested when the cursor was opened.");
        if (!_onBlock)
            throw new InvalidOperationException("The cursor is not on a block: call MoveNext first (and only while it returns true).");
        return _blocks[column] ??= LoadBlock(column);
    }

    private ReadOnlySpan<T> Typed<T>(int column, DataKind kind)
    {
        var c = Schema[column];
        if (c.Type.Kind != kind)
            throw new ConceptDataException($"Column '{c.Name}' holds {c.Type}, not {kind}.");
        return ((ReadOnlyMemory<T>)Block(column)).Span;
    }

    /// <inheritdoc />
    public ReadOnlySpan<float> GetFloats(int column)
    {
        var c = Schema[column];
        if (c.Type.Kind != DataKind.Float32) throw new ConceptDataException($"Column '{c.Name}' holds {c.Type}, not Float32.");
        var b = Block(column);
        if (b is SparseBatch sb)
        {
            // Densify once per block and keep it, so repeated reads cost nothing.
            var dense = new DenseOfSparse(sb);
            _blocks[column] = dense;
            return dense.Dense;
        }
        if (b is DenseOfSparse ds) return ds.Dense;
        return ((ReadOnlyMemory<float>)b).Span;
    }

    /// <inheritdoc />
    public ReadOnlySpan<double> GetDoubles(int column) => Typed<double>(column, DataKind.Float64);
    /// <inheritdoc />
    public ReadOnlySpan<int> GetInt32s(int column) => Typed<int>(column, DataKind.Int32);
    /// <inheritdoc />
    public ReadOnlySpan<long> GetInt64s(int column) => Typed<long>(column, DataKind.Int64);
    /// <inheritdoc />
    public ReadOnlySpan<bool> GetBooleans(int column) => Typed<bool>(column, DataKind.Boolean);

    /// <inheritdoc />
    public IReadOnlyList<string> GetStrings(int column)
    {
        var c = Schema[column];
        if (c.Type.Kind != DataKind.String) throw new ConceptDataException($"Column '{c.Name}' holds {c.Type}, not String.");
        return (IReadOnlyList<string>)Block(column);
    }

    /// <inheritdoc />
    public SparseBatch GetSparse(int column)
    {
        var c = Schema[column];
        if (c.Type.Kind != DataKind.Float32 || !c.Type.IsVector)
            throw new ConceptDataException($"Column '{c.Name}' holds {c.Type}, not a float vector.");
        var b = Block(column);
        return b switch
        {
            SparseBatch sb => sb,
            DenseOfSparse ds => ds.Sparse,
            _ => SparseBatch.FromDense(((ReadOnlyMemory<float>)b).Span, BatchRows, c.Type.VectorSize),
        };
    }

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);

    private sealed class DenseOfSparse(SparseBatch sparse)
    {
        public SparseBatch Sparse { get; } = sparse;
        public float[] Dense { get; } = sparse.ToDense();
    }
}
