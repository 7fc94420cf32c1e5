namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// The plain reference for <see cref="ExactNeighbors"/>: every pairwise distance straight from its
/// definition in double precision, a full sort per row (ties by index). O(n² d); for tests.
/// </summary>
public static class NeighborsReference
{
    /// <summary>The <paramref name="k"/> nearest rows of each row, the row itself first.</summary>
    public static NeighborGraph Compute(float[] x, int rows, int cols, int k, LayoutMetric metric)
    {
        LayoutChecks.Matrix(x, rows, cols, nameof(x));
        var indices = new int[(long)rows * k];
        var distances = new float[(long)rows * k];
        for (int i = 0; i < rows; i++)
        {
            var all = new (double D, int J)[rows];
            for (int j = 0; j < rows; j++) all[j] = (j == i ? -1 : Distance(x, cols, i, j, metric), j);
            Array.Sort(all, (a, b) => a.D != b.D ? a.D.CompareTo(b.D) : a.J.CompareTo(b.J));
            for (int n = 0; n < k; n++)
            {
                indices[(long)i * k + n] = all[n].J;
                distances[(long)i * k + n] = (float)Math.Max(0, all[n].D);
            }
        }
        return new NeighborGraph(rows, k, indices, distances);
    }

    /// <summary>The distance between rows i and j by its definition, in double precision.</summary>
    public static double Distance(float[] x, int cols, int i, int j, LayoutMetric metric)
    {
        double dot = 0, ni = 0, nj = 0, sq = 0;
        for (int c = 0; c < cols; c++)
        {
            double a = x[(long)i * cols + c], b = x[(long)j * cols + c];
            dot += a * b; ni += a * a; nj += b * b; sq += (a - b) * (a - b);
        }
        if (metric == LayoutMetric.Euclidean) return Math.Sqrt(sq);
        return ni == 0 || nj == 0 ? 1 : 1 - dot / Math.Sqrt(ni * nj);
    }
}
