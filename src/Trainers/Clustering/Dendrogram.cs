namespace MlNetConcepts.Trainers.Clustering;

/// <summary>One merge of a dendrogram, in scipy's linkage-matrix convention.</summary>
/// <param name="Left">Id of the first merged cluster (rows are 0…N−1, the cluster formed by merge m is N + m).</param>
/// <param name="Right">Id of the second merged cluster.</param>
/// <param name="Height">Linkage distance at which the two clusters merge.</param>
/// <param name="Size">Rows in the merged cluster.</param>
public readonly record struct Merge(int Left, int Right, double Height, int Size);

/// <summary>
/// The merge tree of an agglomerative clustering, merges sorted by height (ties keep the order
/// they happened in), so it reads like scipy's linkage matrix Z. Ward, average and complete linkage
/// are monotone (a merge is never lower than the merges below it), so cutting at a height and
/// cutting at a number of clusters are both "apply a prefix of the merges".
/// </summary>
public sealed class Dendrogram
{
    private readonly Merge[] _merges;

    /// <summary>Creates a dendrogram over <paramref name="rows"/> leaves from merges in height order.</summary>
    public Dendrogram(int rows, Merge[] merges)
    {
        if (merges.Length != rows - 1) throw new ArgumentException($"A dendrogram over {rows} rows has {rows - 1} merges, not {merges.Length}.", nameof(merges));
        Rows = rows;
        _merges = merges;
    }

    /// <summary>Number of leaves.</summary>
    public int Rows { get; }

    /// <summary>The merges in height order.</summary>
    public IReadOnlyList<Merge> Merges => _merges;

    /// <summary>Labels 0…k−1 (numbered by first row) after cutting into exactly <paramref name="k"/> clusters (scipy's fcluster 'maxclust' on a tie-free tree).</summary>
    public int[] CutToClusters(int k)
    {
        ClusterInput.CheckK(k, Rows, "dendrogram cut");
        return Apply(Rows - k);
    }

    /// <summary>
    /// Labels after applying every merge of height ≤ <paramref name="threshold"/> (scipy's fcluster
    /// 'distance' criterion: rows whose cophenetic distance is at most the threshold share a cluster).
    /// </summary>
    public int[] CutAtDistance(double threshold)
    {
        if (double.IsNaN(threshold)) throw new ConceptDataException("Dendrogram cut: the distance threshold is NaN.");
        int m = 0;
        while (m < _merges.Length && _merges[m].Height <= threshold) m++;
        return Apply(m);
    }

    private int[] Apply(int merges)
    {
        // Union-find over rows and merged clusters: merge m creates id Rows + m.
        var parent = new int[Rows + _merges.Length];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int v)
        {
            while (parent[v] != v) { parent[v] = parent[parent[v]]; v = parent[v]; }
            return v;
        }
        for (int m = 0; m < merges; m++)
        {
            parent[Find(_merges[m].Left)] = Rows + m;
            parent[Find(_merges[m].Right)] = Rows + m;
        }
        var labels = new int[Rows];
        var names = new Dictionary<int, int>();
        for (int i = 0; i < Rows; i++)
        {
            int root = Find(i);
            if (!names.TryGetValue(root, out int label)) names[root] = label = names.Count;
            labels[i] = label;
        }
        return labels;
    }

    /// <summary>
    /// Sorts raw merges (recorded with the representative slots of the merged clusters, as the
    /// nearest-neighbour chain does) by height and renames clusters to scipy's ids.
    /// </summary>
    internal static Dendrogram FromSlotMerges(int rows, (int A, int B, double Height)[] raw)
    {
        var order = Enumerable.Range(0, raw.Length).ToArray();
        var heights = raw.Select(r => r.Height).ToArray();
        Array.Sort(order, (p, q) => heights[p] != heights[q] ? heights[p].CompareTo(heights[q]) : p.CompareTo(q));
        // Which cluster id currently lives in each slot's set: follow with union-find on slots.
        var parent = new int[rows];
        var idOf = new int[rows];
        var size = new int[rows];
        for (int i = 0; i < rows; i++) { parent[i] = i; idOf[i] = i; size[i] = 1; }
        int Find(int v)
        {
            while (parent[v] != v) { parent[v] = parent[parent[v]]; v = parent[v]; }
            return v;
        }
        var merges = new Merge[raw.Length];
        for (int m = 0; m < order.Length; m++)
        {
            var (a, b, h) = raw[order[m]];
            int ra = Find(a), rb = Find(b);
            int ida = idOf[ra], idb = idOf[rb];
            int s = size[ra] + size[rb];
            parent[ra] = rb;
            idOf[rb] = rows + m;
            size[rb] = s;
            merges[m] = new Merge(Math.Min(ida, idb), Math.Max(ida, idb), h, s);
        }
        return new Dendrogram(rows, merges);
    }
}
