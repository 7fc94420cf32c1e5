namespace MlNetConcepts.Evaluators;

/// <summary>
/// Keeps the <c>N</c> largest values of every column of a row stream in bounded min-heaps, in a
/// single pass with no full sort: O(rows·columns) comparisons plus O(log N) per accepted value.
/// Order: larger value first; equal values are ordered by the smaller row index first, so the
/// result is deterministic (the same rule as a stable descending sort).
/// Used for the top-N MonoSemanticity, core representatives, collages and uniqueness.
/// </summary>
public sealed class TopNSelector
{
    private readonly int _columns;
    private readonly int _n;
    private readonly float[] _values;
    private readonly long[] _rows;
    private readonly int[] _count;
    private readonly float _floor;
    private readonly bool _strictFloor;

    /// <summary>
    /// Creates a selector for <paramref name="columns"/> columns keeping <paramref name="n"/>
    /// rows each. With <paramref name="onlyAbove"/> set, only values strictly greater than it are
    /// kept (e.g. 0 to keep only samples where a neuron fires).
    /// </summary>
    public TopNSelector(int columns, int n, float? onlyAbove = null)
    {
        EvaluatorChecks.Positive(columns, "columns");
        EvaluatorChecks.Positive(n, "top-N");
        _columns = columns;
        _n = n;
        long size = checked((long)columns * n);
        _values = new float[size];
        _rows = new long[size];
        _count = new int[columns];
        _strictFloor = onlyAbove.HasValue;
        _floor = onlyAbove ?? float.NegativeInfinity;
    }

    /// <summary>Number of rows kept per column.</summary>
    public int N => _n;

    /// <summary>Offers a block of rows (row-major, <c>rows × columns</c>) whose first row has index <paramref name="firstRow"/>.</summary>
    public void Add(ReadOnlySpan<float> block, int rows, long firstRow)
    {
        if (block.Length < (long)rows * _columns) throw new ArgumentException("Block is shorter than rows × columns.", nameof(block));
        for (int r = 0; r < rows; r++)
        {
            var row = block.Slice(r * _columns, _columns);
            long index = firstRow + r;
            for (int c = 0; c < row.Length; c++) Offer(c, row[c], index);
        }
    }

    /// <summary>Offers one value of one column.</summary>
    public void Offer(int column, float value, long row)
    {
        if (_strictFloor && !(value > _floor)) return;
        int baseAt = column * _n;
        int count = _count[column];
        if (count < _n)
        {
            // Sift up a new leaf.
            int i = count;
            _count[column] = count + 1;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Worse(value, row, _values[baseAt + parent], _rows[baseAt + parent])) break;
                _values[baseAt + i] = _values[baseAt + parent];
                _rows[baseAt + i] = _rows[baseAt + parent];
                i = parent;
            }
            _values[baseAt + i] = value;
            _rows[baseAt + i] = row;
            return;
        }
        // The root holds the worst kept value; replace it only by a better one.
        if (!Worse(_values[baseAt], _rows[baseAt], value, row)) return;
        int at = 0;
        while (true)
        {
            int left = 2 * at + 1;
            if (left >= _n) break;
            int child = left;
            int right = left + 1;
            if (right < _n && Worse(_values[baseAt + right], _rows[baseAt + right], _values[baseAt + left], _rows[baseAt + left])) child = right;
            if (!Worse(_values[baseAt + child], _rows[baseAt + child], value, row)) break;
            _values[baseAt + at] = _values[baseAt + child];
            _rows[baseAt + at] = _rows[baseAt + child];
            at = child;
        }
        _values[baseAt + at] = value;
        _rows[baseAt + at] = row;
    }

    // (v1, r1) ranks below (v2, r2): smaller value, or equal value and later row.
    private static bool Worse(float v1, long r1, float v2, long r2) => v1 < v2 || (v1 == v2 && r1 > r2);

    /// <summary>The kept rows of a column, best first (fewer than N when fewer values qualified).</summary>
    public long[] RowsOf(int column) => Sorted(column).Rows;

    /// <summary>The kept values of a column, best first.</summary>
    public float[] ValuesOf(int column) => Sorted(column).Values;

    /// <summary>The kept rows and values of a column, best first.</summary>
    public (long[] Rows, float[] Values) Sorted(int column)
    {
        if ((uint)column >= (uint)_columns) throw new ArgumentOutOfRangeException(nameof(column));
        int count = _count[column];
        var rows = new long[count];
        var values = new float[count];
        Array.Copy(_rows, (long)column * _n, rows, 0, count);
        Array.Copy(_values, (long)column * _n, values, 0, count);
        // Sorting the N kept entries (not the column) is O(N log N) per column.
        var order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (x, y) => values[x] != values[y] ? values[y].CompareTo(values[x]) : rows[x].CompareTo(rows[y]));
        return (order.Select(i => rows[i]).ToArray(), order.Select(i => values[i]).ToArray());
    }

    /// <summary>Top-N rows of every column of an in-memory matrix (one pass).</summary>
    public static TopNSelector FromMatrix(DenseMatrix matrix, int n, float? onlyAbove = null)
    {
        var sel = new TopNSelector(matrix.Cols, n, onlyAbove);
        sel.Add(matrix.Data, matrix.Rows, 0);
        return sel;
    }
}
