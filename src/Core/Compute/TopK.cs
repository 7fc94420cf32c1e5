namespace MlNetConcepts.Compute;

/// <summary>
/// Top-k selection: the k largest (or smallest) values of a span with their indices, in
/// O(n log k) with a bounded heap, returned best first. The order is total and deterministic:
/// by value, then lower index first among equal values; NaN ranks after every number in
/// both directions, so it is only selected when fewer than k numbers exist.
/// </summary>
public static class TopK
{
    /// <summary>
    /// Writes the min(k, n) best entries of <paramref name="values"/> (largest when
    /// <paramref name="largest"/>, else smallest) into <paramref name="indices"/> and
    /// <paramref name="topValues"/>, best first, and returns how many were written.
    /// </summary>
    public static int Select(ReadOnlySpan<float> values, int k, Span<int> indices, Span<float> topValues, bool largest = true)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be non-negative.");
        int count = Math.Min(k, values.Length);
        if (indices.Length < count || topValues.Length < count)
            throw new ArgumentException($"Top-{k} of {values.Length} values needs {count} slots; got {indices.Length} indices and {topValues.Length} values.");
        var heap = new TopKHeap(count, largest);
        for (int i = 0; i < values.Length; i++) heap.Offer(values[i], i);
        return heap.CopySorted(indices, topValues);
    }

    /// <summary>Indices of the min(n, length) largest values (or smallest), best first: the argsort of the top N.</summary>
    public static int[] ArgsortTop(ReadOnlySpan<float> values, int n, bool largest = true)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative.");
        int count = Math.Min(n, values.Length);
        var idx = new int[count];
        var val = new float[count];
        Select(values, count, idx, val, largest);
        return idx;
    }

    /// <summary>True when (a, ia) ranks before (b, ib) in the selection order.</summary>
    internal static bool Before(float a, int ia, float b, int ib, bool largest)
    {
        bool aNaN = float.IsNaN(a), bNaN = float.IsNaN(b);
        if (aNaN != bNaN) return bNaN;
        if (!aNaN && a != b) return largest ? a > b : a < b;
        return ia < ib;
    }
}

/// <summary>
/// A bounded heap keeping the best <c>capacity</c> (value, index) pairs offered so far, in the
/// order of <see cref="TopK"/>. Offer values in any order (e.g. block by block while streaming
/// samples); the root is the worst kept pair, so each offer costs O(1) or O(log k).
/// </summary>
public sealed class TopKHeap
{
    private readonly float[] _values;
    private readonly int[] _indices;
    private readonly bool _largest;

    /// <summary>Creates an empty heap that keeps <paramref name="capacity"/> pairs, the largest values when <paramref name="largest"/>.</summary>
    public TopKHeap(int capacity, bool largest = true)
    {
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be non-negative.");
        _values = new float[capacity];
        _indices = new int[capacity];
        _largest = largest;
    }

    /// <summary>Pairs kept so far (at most the capacity).</summary>
    public int Count { get; private set; }

    /// <summary>Offers one value with its index.</summary>
    public void Offer(float value, int index)
    {
        if (Count < _values.Length)
        {
            // Sift up: every parent ranks after its children, so the root is the worst kept pair.
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Worse(value, index, _values[parent], _indices[parent])) break;
                _values[i] = _values[parent]; _indices[i] = _indices[parent];
                i = parent;
            }
            _values[i] = value; _indices[i] = index;
            return;
        }
        if (Count == 0 || !TopK.Before(value, index, _values[0], _indices[0], _largest)) return;
        SiftDown(value, index);
    }

    /// <summary>Offers every value of <paramref name="values"/>, with indices starting at <paramref name="firstIndex"/>.</summary>
    public void OfferAll(ReadOnlySpan<float> values, int firstIndex = 0)
    {
        for (int i = 0; i < values.Length; i++) Offer(values[i], firstIndex + i);
    }

    /// <summary>Copies the kept pairs, best first, and returns how many there are. The heap is unchanged.</summary>
    public int CopySorted(Span<int> indices, Span<float> values)
    {
        if (indices.Length < Count || values.Length < Count)
            throw new ArgumentException($"The heap holds {Count} pairs; the destinations have {indices.Length} and {values.Length} slots.");
        var order = new int[Count];
        for (int i = 0; i < Count; i++) order[i] = i;
        Array.Sort(order, (x, y) => x == y ? 0 : TopK.Before(_values[x], _indices[x], _values[y], _indices[y], _largest) ? -1 : 1);
        for (int i = 0; i < Count; i++)
        {
            indices[i] = _indices[order[i]];
            values[i] = _values[order[i]];
        }
        return Count;
    }

    private bool Worse(float a, int ia, float b, int ib) => TopK.Before(b, ib, a, ia, _largest);

    private void SiftDown(float value, int index)
    {
        int i = 0, n = Count;
        while (true)
        {
            int left = 2 * i + 1;
            if (left >= n) break;
            int worst = left;
            int right = left + 1;
            if (right < n && Worse(_values[right], _indices[right], _values[left], _indices[left])) worst = right;
            if (!Worse(_values[worst], _indices[worst], value, index)) break;
            _values[i] = _values[worst]; _indices[i] = _indices[worst];
            i = worst;
        }
        _values[i] = value; _indices[i] = index;
    }
}
