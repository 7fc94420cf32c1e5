using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// Reads any <see cref="IDataView"/> a block of rows at a time and hands the kernels contiguous row-major
/// float blocks. The project's own <see cref="ColumnDataView"/> is read straight from its columns (arrays and
/// memory-mapped <c>.npy</c> files without a copy); any other view goes through an ML.NET row cursor whose rows
/// are copied into a block buffer. Blocks are valid until the next <see cref="MoveNext"/>.
/// </summary>
public sealed class RowBlockReader : IRowBlock, IDisposable
{
    /// <summary>Rows per block unless told otherwise.</summary>
    public const int DefaultBlockRows = 1024;

    private readonly int _blockRows;
    private readonly Dictionary<string, int> _widths = new();
    private readonly ColumnDataView? _own;
    private readonly long _ownRows;
    private readonly Dictionary<string, float[]?> _scratch = new();
    private readonly CursorBlocks? _cursor;
    private long _next;

    /// <summary>Opens a reader over <paramref name="columns"/> of <paramref name="view"/> (each checked: a clear error names a missing or unsupported column).</summary>
    public RowBlockReader(IDataView view, IEnumerable<string> columns, int blockRows = DefaultBlockRows)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (blockRows < 1) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, "A block needs at least one row.");
        _blockRows = blockRows;
        var names = columns.Distinct().ToArray();
        foreach (var name in names)
        {
            var col = ViewColumns.Require(view.Schema, name);
            if (col.Type is VectorDataViewType) _widths[name] = ViewColumns.RequireFloatVector(view.Schema, name);
            else if (col.Type != NumberDataViewType.Int32 && col.Type is not TextDataViewType)
                throw new ConceptDataException($"Column '{name}' is {col.Type}; a block reader reads fixed-size vectors of Single, Int32 and text.");
        }
        if (view is ColumnDataView own) { _own = own; _ownRows = own.RowCount; }
        else _cursor = new CursorBlocks(view, names, _widths, blockRows);
    }

    /// <inheritdoc />
    public long BlockStart { get; private set; }
    /// <inheritdoc />
    public int BlockRows { get; private set; }

    /// <summary>Width of a vector column being read.</summary>
    public int Width(string column) => _widths.TryGetValue(column, out int w) ? w
        : throw new ConceptDataException($"Column '{column}' is not a vector column this reader was opened on.");

    /// <summary>
    /// True when <paramref name="column"/> is stored sparse by the project's own source, so <see cref="Sparse"/> hands
    /// out its rows without densifying; any other view's blocks are dense.
    /// </summary>
    public bool IsSparse(string column)
    {
        Width(column);
        return _own is not null && _own.Column(column).IsSparse;
    }

    /// <summary>Moves to the next block; false at the end.</summary>
    public bool MoveNext()
    {
        if (_own is not null)
        {
            if (_next >= _ownRows) { BlockRows = 0; return false; }
            BlockStart = _next;
            BlockRows = (int)Math.Min(_blockRows, _ownRows - _next);
            _next += BlockRows;
            return true;
        }
        BlockStart = _next;
        BlockRows = _cursor!.Fill();
        _next += BlockRows;
        return BlockRows > 0;
    }

    /// <inheritdoc />
    public ReadOnlySpan<float> Floats(string column)
    {
        int w = Width(column);
        if (_own is not null)
        {
            var col = _own.Column(column);
            if (col.BlocksAreViews) { float[]? none = null; return col.DenseBlock(BlockStart, BlockRows, ref none); }
            _scratch.TryGetValue(column, out var scratch);
            col.DenseBlock(BlockStart, BlockRows, ref scratch);
            _scratch[column] = scratch;
            return scratch.AsSpan(0, BlockRows * w);
        }
        return _cursor!.Dense(column).AsSpan(0, BlockRows * w);
    }

    /// <inheritdoc />
    public SparseBatch Sparse(string column)
    {
        Width(column);
        if (_own is not null) return _own.Column(column).SparseBlock(BlockStart, BlockRows);
        return _cursor!.Sparse(column);
    }

    /// <inheritdoc />
    public ReadOnlySpan<int> Int32s(string column)
    {
        if (_own is not null)
        {
            var values = (_own.Column(column) as ScalarArrayColumn)?.Values as int[]
                ?? throw new ConceptDataException($"Column '{column}' is not an Int32 column.");
            return values.AsSpan(checked((int)BlockStart), BlockRows);
        }
        return _cursor!.Int32s(column).AsSpan(0, BlockRows);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Strings(string column)
    {
        if (_own is not null)
        {
            var values = (_own.Column(column) as ScalarArrayColumn)?.Values as string[]
                ?? throw new ConceptDataException($"Column '{column}' is not a text column.");
            return new ArraySegment<string>(values, checked((int)BlockStart), BlockRows);
        }
        return _cursor!.Strings(column);
    }

    /// <summary>Closes the underlying cursor.</summary>
    public void Dispose() => _cursor?.Dispose();

    /// <summary>
    /// Reads a float vector column (dense or sparse) into one row-major array (data that fits in memory). When the view
    /// knows its row count the array is allocated once and each row is copied straight into place (<see cref="CopyColumn"/>).
    /// Otherwise (<see cref="ReadMatrixInBlocks"/>) blocks are gathered and joined at the end.
    /// </summary>
    public static float[] ReadMatrix(IDataView view, string column, out int rows, out int width)
    {
        width = ViewColumns.RequireFloatVector(view.Schema, column);
        if (view.GetRowCount() is not long count) return ReadMatrixInBlocks(view, column, out rows, out width);
        if (count * width > Array.MaxLength) throw new ConceptDataException($"Column '{column}' has {count * width} values, too many for one array; read it in blocks.");
        rows = (int)count;
        var result = new float[count * width];
        int w = width;
        CopyColumn(view, column, count, width, (start, n) => result.AsSpan((int)start * w, n * w));
        return result;
    }

    /// <summary>Where rows [<paramref name="start"/>, start + <paramref name="count"/>) of a column are to be copied.</summary>
    internal delegate Span<float> RowTarget(long start, int count);

    /// <summary>
    /// Copies the <paramref name="count"/> rows of float vector column <paramref name="column"/> (dense or sparse) into
    /// place: a project column a block at a time (a span into its array or mapping, or its densified rows), another
    /// view's rows one at a time from its ML.NET cursor. A cursor that gives another number of rows is an error.
    /// </summary>
    internal static void CopyColumn(IDataView view, string column, long count, int width, RowTarget target)
    {
        if (view is ColumnDataView own)
        {
            var col = own.Column(column);
            float[]? scratch = null;
            for (long start = 0; start < count; start += DefaultBlockRows)
            {
                int n = (int)Math.Min(DefaultBlockRows, count - start);
                col.DenseBlock(start, n, ref scratch).CopyTo(target(start, n));
            }
            return;
        }
        using var cursor = view.GetRowCursor([view.Schema[column]]);
        var get = cursor.GetGetter<VBuffer<float>>(view.Schema[column]);
        VBuffer<float> row = default;
        long r = 0;
        while (cursor.MoveNext())
        {
            if (r == count) throw new ConceptDataException($"Column '{column}': the view said it has {count} rows but its cursor gave more.");
            get(ref row);
            row.CopyTo(target(r, 1));
            r++;
        }
        if (r != count) throw new ConceptDataException($"Column '{column}': the view said it has {count} rows but its cursor gave {r}.");
    }

    /// <summary>
    /// The plain reference of <see cref="ReadMatrix"/>, and its path for views that do not know their row count:
    /// blocks from a <see cref="RowBlockReader"/> gathered in a list, joined at the end.
    /// </summary>
    internal static float[] ReadMatrixInBlocks(IDataView view, string column, out int rows, out int width)
    {
        using var reader = new RowBlockReader(view, [column], 4096);
        width = reader.Width(column);
        var parts = new List<float[]>();
        long total = 0;
        while (reader.MoveNext())
        {
            var block = reader.Floats(column).ToArray();
            parts.Add(block);
            total += block.LongLength;
        }
        if (total > Array.MaxLength) throw new ConceptDataException($"Column '{column}' has {total} values, too many for one array; read it in blocks.");
        var result = new float[total];
        long at = 0;
        foreach (var p in parts) { p.CopyTo(result, at); at += p.Length; }
        rows = (int)(total / width);
        return result;
    }

    /// <summary>Reads an Int32 column into an array.</summary>
    public static int[] ReadInt32s(IDataView view, string column)
    {
        var list = new List<int>();
        using var reader = new RowBlockReader(view, [column], 4096);
        while (reader.MoveNext()) list.AddRange(reader.Int32s(column).ToArray());
        return list.ToArray();
    }

    /// <summary>Number of rows, with a pass over the data when the view does not know.</summary>
    public static long CountRows(IDataView view)
    {
        if (view.GetRowCount() is long n) return n;
        long count = 0;
        using var cursor = view.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }

    /// <summary>Blocks filled row by row from an ML.NET cursor.</summary>
    private sealed class CursorBlocks : IDisposable
    {
        private readonly DataViewRowCursor _cursor;
        private readonly int _blockRows;
        private readonly Dictionary<string, (ValueGetter<VBuffer<float>> Get, int Width, float[] Dense)> _vectors = new();
        private readonly Dictionary<string, (ValueGetter<int> Get, int[] Values)> _ints = new();
        private readonly Dictionary<string, (ValueGetter<ReadOnlyMemory<char>> Get, string[] Values)> _texts = new();
        private ReadOnlyMemory<char> _text;
        private readonly Dictionary<string, SparseBatch> _sparse = new();
        private VBuffer<float> _row;
        private int _rows;
    
        public CursorBlocks(IDataView view, string[] names, Dictionary<string, int> widths, int blockRows)
        {
            _blockRows = blockRows;
            _cursor = view.GetRowCursor(names.Select(n => view.Schema[n]));
            foreach (var name in names)
            {
                var col = _cursor.Schema[name];
                if (widths.TryGetValue(name, out int w))
                    _vectors[name] = (_cursor.GetGetter<VBuffer<float>>(col), w, new float[checked(blockRows * w)]);
                else if (col.Type is TextDataViewType) _texts[name] = (_cursor.GetGetter<ReadOnlyMemory<char>>(col), new string[blockRows]);
                else _ints[name] = (_cursor.GetGetter<int>(col), new int[blockRows]);
            }
        }

        public int Fill()
        {
            _sparse.Clear();
            _rows = 0;
            while (_rows < _blockRows && _cursor.MoveNext())
            {
                foreach (var (get, w, dense) in _vectors.Values)
                {
                    get(ref _row);
                    _row.CopyTo(dense.AsSpan(_rows * w, w));
                }
                foreach (var (get, values) in _ints.Values) get(ref values[_rows]);
                foreach (var (get, values) in _texts.Values) { get(ref _text); values[_rows] = _text.ToString(); }
                _rows++;
            }
            return _rows;
        }

        public float[] Dense(string column) => _vectors[column].Dense;

        public SparseBatch Sparse(string column)
        {
            if (!_sparse.TryGetValue(column, out var s))
            {
                var (_, w, dense) = _vectors[column];
                _sparse[column] = s = SparseBatch.FromDense(dense.AsSpan(0, _rows * w), _rows, w);
            }
            return s;
        }

        public int[] Int32s(string column) => _ints.TryGetValue(column, out var v) ? v.Values
            : throw new ConceptDataException($"Column '{column}' is not an Int32 column.");

        public IReadOnlyList<string> Strings(string column) => _texts.TryGetValue(column, out var v) ? new ArraySegment<string>(v.Values, 0, _rows)
            : throw new ConceptDataException($"Column '{column}' is not a text column.");

        public void Dispose() => _cursor.Dispose();
    }
}
