namespace MlNetConcepts.Evaluators;

/// <summary>A bounded heap of the best (value, i, j) entries: larger value first, then smaller i, then smaller j.</summary>
internal sealed class TopPairHeap(int capacity)
{
    public readonly record struct Entry(double B, int I, int J, double Co, double Cos);

    /// <summary>Orders entries best first.</summary>
    public static readonly IComparer<Entry> BestFirst = Comparer<Entry>.Create((a, b) =>
        a.B != b.B ? b.B.CompareTo(a.B) : a.I != b.I ? a.I.CompareTo(b.I) : a.J.CompareTo(b.J));

    // The root of a PriorityQueue is its smallest priority: make the worst entry the smallest.
    private static readonly IComparer<Entry> WorstFirst = Comparer<Entry>.Create((a, b) => BestFirst.Compare(b, a));

    private readonly PriorityQueue<Entry, Entry> _queue = new(WorstFirst);

    public IEnumerable<Entry> Entries => _queue.UnorderedItems.Select(x => x.Element);

    public void Offer(double b, int i, int j, double co, double cos)
    {
        var e = new Entry(b, i, j, co, cos);
        if (_queue.Count < capacity) { _queue.Enqueue(e, e); return; }
        if (BestFirst.Compare(e, _queue.Peek()) < 0) _queue.EnqueueDequeue(e, e);
    }
}
