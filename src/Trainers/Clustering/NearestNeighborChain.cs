namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Exact agglomerative clustering by the nearest-neighbour chain (Murtagh 1983; Müllner 2011,
/// "Modern hierarchical, agglomerative clustering algorithms"): follow nearest neighbours from any
/// cluster until two clusters are each other's nearest neighbour, merge them, and continue from
/// the rest of the chain. It is exact for linkages satisfying the reducibility property (Ward,
/// average, complete) and needs O(N²) time and one condensed distance matrix (float32, N(N−1)/2
/// entries). Distances after a merge follow the Lance–Williams formulas; Ward's works on squared
/// Euclidean distances, so the stored values are squared and the merge height is their root.
/// </summary>
internal static class NearestNeighborChain
{
    /// <summary>Position of pair (i, j), i ≠ j, in the condensed upper triangle.</summary>
    public static long Index(int n, int i, int j)
    {
        if (i > j) (i, j) = (j, i);
        return (long)i * n - (long)i * (i + 1) / 2 + (j - i - 1);
    }

    /// <summary>
    /// Runs the chain on <paramref name="dist"/> (destroyed) and returns the merges as (slot a, slot b,
    /// height) in the order they happen; the merged cluster lives on in slot b.
    /// </summary>
    public static (int A, int B, double Height)[] Run(float[] dist, int n, Linkage linkage)
    {
        var size = new int[n];
        Array.Fill(size, 1);
        var chain = new int[n];
        int length = 0;
        var merges = new (int, int, double)[n - 1];
        for (int m = 0; m < n - 1; m++)
        {
            if (length == 0)
            {
                for (int i = 0; i < n; i++) if (size[i] > 0) { chain[0] = i; break; }
                length = 1;
            }
            int x, y;
            double best;
            while (true)
            {
                x = chain[length - 1];
                y = -1;
                best = double.PositiveInfinity;
                if (length > 1) { y = chain[length - 2]; best = dist[Index(n, x, y)]; } // prefer the previous link on ties: guarantees termination
                for (int i = 0; i < n; i++)
                {
                    if (size[i] == 0 || i == x) continue;
                    double v = dist[Index(n, x, i)];
                    if (v < best) { best = v; y = i; }
                }
                if (length > 1 && y == chain[length - 2]) break;
                chain[length++] = y;
            }
            length -= 2;
            if (x > y) (x, y) = (y, x);
            int nx = size[x], ny = size[y];
            merges[m] = (x, y, linkage == Linkage.Ward ? Math.Sqrt(best) : best);
            size[x] = 0;
            size[y] = nx + ny;
            for (int i = 0; i < n; i++)
            {
                if (size[i] == 0 || i == y) continue;
                long ix = Index(n, x, i), iy = Index(n, y, i);
                dist[iy] = (float)Combine(linkage, dist[ix], dist[iy], best, nx, ny, size[i]);
            }
        }
        return merges;
    }

    /// <summary>
    /// Lance–Williams distance from the union of clusters x and y to a cluster i:
    /// complete max(d_xi, d_yi); average (n_x·d_xi + n_y·d_yi)/(n_x + n_y);
    /// Ward (squared) ((n_x+n_i)·D_xi + (n_y+n_i)·D_yi − n_i·D_xy)/(n_x + n_y + n_i).
    /// </summary>
    public static double Combine(Linkage linkage, double dxi, double dyi, double dxy, int nx, int ny, int ni) => linkage switch
    {
        Linkage.Complete => Math.Max(dxi, dyi),
        Linkage.Average => (nx * dxi + ny * dyi) / (nx + ny),
        _ => Math.Max(0.0, ((double)(nx + ni) * dxi + (double)(ny + ni) * dyi - (double)ni * dxy) / (nx + ny + ni)),
    };

    /// <summary>
    /// The plain reference: repeatedly merge the globally closest pair (O(N³)), the same updates in
    /// double. Used by the tests to check the chain.
    /// </summary>
    public static (int A, int B, double Height)[] Naive(double[,] dist, Linkage linkage)
    {
        int n = dist.GetLength(0);
        var size = new int[n];
        Array.Fill(size, 1);
        var merges = new (int, int, double)[n - 1];
        for (int m = 0; m < n - 1; m++)
        {
            int bx = -1, by = -1;
            double best = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                if (size[i] == 0) continue;
                for (int j = i + 1; j < n; j++)
                    if (size[j] > 0 && dist[i, j] < best) { best = dist[i, j]; bx = i; by = j; }
            }
            int nx = size[bx], ny = size[by];
            merges[m] = (bx, by, linkage == Linkage.Ward ? Math.Sqrt(best) : best);
            size[bx] = 0;
            size[by] = nx + ny;
            for (int i = 0; i < n; i++)
            {
                if (size[i] == 0 || i == by) continue;
                double v = Combine(linkage, dist[bx, i], dist[by, i], best, nx, ny, size[i]);
                dist[by, i] = dist[i, by] = v;
            }
        }
        return merges;
    }
}
