namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// UMAP's fuzzy simplicial set of a k-nearest-neighbour graph (McInnes et al. 2018, §3.1 and
/// Algorithms 2–3): each row i gets ρ_i, the distance to its nearest other row, and σ_i, found by
/// binary search so that Σ_{j ∈ kNN(i), j ≠ i} exp(−max(0, d_ij − ρ_i)/σ_i) = log₂ k; the directed
/// memberships are w_ij = exp(−max(0, d_ij − ρ_i)/σ_i), and the graph is made symmetric by the
/// probabilistic t-conorm w + wᵀ − w ∘ wᵀ.
/// </summary>
public static class FuzzySimplicialSet
{
    private const int SearchSteps = 64;
    private const double Tolerance = 1e-5;
    /// <summary>σ_i is kept at least this share of the row's mean neighbour distance, so duplicates do not give σ → 0.</summary>
    private const double MinScale = 1e-3;

    /// <summary>ρ_i and σ_i of every row (the row itself, first in each neighbour list, is left out).</summary>
    public static (double[] Rho, double[] Sigma) Bandwidths(NeighborGraph graph)
    {
        int n = graph.Rows, k = graph.K;
        var rho = new double[n];
        var sigma = new double[n];
        double target = Math.Log2(k);
        double globalMean = 0;
        foreach (var d in graph.Distances) globalMean += d;
        globalMean /= graph.Distances.Length;
        for (int i = 0; i < n; i++)
        {
            var d = graph.Distances.AsSpan(i * k, k);
            // Local connectivity 1: every row is fully connected to its nearest other row.
            foreach (var v in d) if (v > 0) { rho[i] = v; break; }
            double lo = 0, hi = double.PositiveInfinity, mid = 1;
            for (int step = 0; step < SearchSteps; step++)
            {
                double sum = 0;
                for (int j = 1; j < k; j++)
                {
                    double over = d[j] - rho[i];
                    sum += over > 0 ? Math.Exp(-over / mid) : 1;
                }
                if (Math.Abs(sum - target) < Tolerance) break;
                if (sum > target) { hi = mid; mid = (lo + hi) / 2; }
                else { lo = mid; mid = double.IsPositiveInfinity(hi) ? mid * 2 : (lo + hi) / 2; }
            }
            double mean = 0;
            foreach (var v in d) mean += v;
            mean /= k;
            sigma[i] = Math.Max(mid, MinScale * (rho[i] > 0 ? mean : globalMean));
        }
        return (rho, sigma);
    }

    /// <summary>
    /// The symmetric membership graph as undirected edges (i &lt; j) with weight w_ij + w_ji − w_ij·w_ji,
    /// sorted by (i, j). Self loops and zero weights are dropped.
    /// </summary>
    public static LayoutEdges Build(NeighborGraph graph)
    {
        var (rho, sigma) = Bandwidths(graph);
        int n = graph.Rows, k = graph.K;
        var directed = new Dictionary<long, double>();
        for (int i = 0; i < n; i++)
            for (int m = 0; m < k; m++)
            {
                int j = graph.Indices[i * k + m];
                if (j == i) continue;
                double over = graph.Distances[i * k + m] - rho[i];
                double w = over > 0 ? Math.Exp(-over / sigma[i]) : 1;
                directed[(long)i * n + j] = w;
            }
        var merged = new SortedDictionary<long, double>();
        foreach (var (key, w) in directed)
        {
            int i = (int)(key / n), j = (int)(key % n);
            long lowKey = (long)Math.Min(i, j) * n + Math.Max(i, j);
            if (merged.ContainsKey(lowKey)) continue;
            double back = directed.TryGetValue((long)j * n + i, out var b) ? b : 0;
            double s = w + back - w * back;
            if (s > 0) merged[lowKey] = s;
        }
        var heads = new int[merged.Count];
        var tails = new int[merged.Count];
        var weights = new double[merged.Count];
        int e = 0;
        foreach (var (key, w) in merged) { heads[e] = (int)(key / n); tails[e] = (int)(key % n); weights[e] = w; e++; }
        return new LayoutEdges(n, heads, tails, weights);
    }
}

/// <summary>An undirected weighted graph over n rows as parallel edge arrays (head &lt; tail).</summary>
/// <param name="Rows">Rows n.</param>
/// <param name="Heads">First end of each edge.</param>
/// <param name="Tails">Second end of each edge.</param>
/// <param name="Weights">Membership strength of each edge, in (0, 1].</param>
public sealed record LayoutEdges(int Rows, int[] Heads, int[] Tails, double[] Weights);
