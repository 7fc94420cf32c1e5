using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// How far a low-dimensional layout keeps each row's neighbours (Venna and Kaski 2001, eq. 2; the
/// definition of scikit-learn's <c>sklearn.manifold.trustworthiness</c>):
/// T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_i^k} max(0, r(i, j) − k),
/// where N_i^k are the k nearest neighbours of row i in the layout (Euclidean, i itself left out)
/// and r(i, j) is the rank of j among i's neighbours in the input space (1 = nearest). T = 1 when
/// every layout neighbour is also an input neighbour. Distances in double precision straight from
/// their definitions; O(n²·(d + k)) time, rows in parallel, O(n) memory per thread.
/// </summary>
public static class Trustworthiness
{
    /// <summary>
    /// T(k) of <paramref name="layout"/> (n × e) for <paramref name="input"/> (n × d), both row-major;
    /// <paramref name="metric"/> is the input space's distance. Needs 1 ≤ k &lt; n/2.
    /// </summary>
    public static double Compute(float[] input, int rows, int cols, float[] layout, int layoutCols, int k, LayoutMetric metric = LayoutMetric.Euclidean)
    {
        LayoutChecks.Matrix(input, rows, cols, nameof(input));
        LayoutChecks.Matrix(layout, rows, layoutCols, nameof(layout));
        if (k < 1 || k >= rows / 2.0)
            throw new ConceptDataException($"{nameof(k)} must be at least 1 and less than half the rows ({rows}/2), got {k}.", [nameof(k)]);
        double penalty = 0;
        var gate = new object();
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads },
            () => (Input: new double[rows], Layout: new (double, int)[rows - 1], Sum: 0.0),
            (i, _, s) =>
            {
                for (int j = 0; j < rows; j++) s.Input[j] = j == i ? double.PositiveInfinity : NeighborsReference.Distance(input, cols, i, j, metric);
                int m = 0;
                for (int j = 0; j < rows; j++)
                    if (j != i) s.Layout[m++] = (NeighborsReference.Distance(layout, layoutCols, i, j, LayoutMetric.Euclidean), j);
                Array.Sort(s.Layout, (p, q) => p.Item1 != q.Item1 ? p.Item1.CompareTo(q.Item1) : p.Item2.CompareTo(q.Item2));
                for (int n = 0; n < k; n++)
                {
                    int j = s.Layout[n].Item2;
                    double dj = s.Input[j];
                    // Rank of j in i's input neighbour order (ties by index, as a stable sort orders them).
                    int rank = 1;
                    for (int t = 0; t < rows; t++)
                        if (s.Input[t] < dj || (s.Input[t] == dj && t < j)) rank++;
                    if (rank > k) s.Sum += rank - k;
                }
                return s;
            },
            s => { lock (gate) penalty += s.Sum; });
        return 1 - penalty * (2.0 / (rows * (double)k * (2.0 * rows - 3.0 * k - 1.0)));
    }
}
