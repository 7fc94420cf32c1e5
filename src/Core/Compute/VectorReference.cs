namespace MlNetConcepts.Compute;

/// <summary>
/// Plain-loop versions of <see cref="VectorOps"/>, <see cref="TopK"/> and <see cref="SampleSums"/>:
/// obviously correct, slow, and the oracles their tests compare against.
/// </summary>
internal static class VectorReference
{
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }

    public static double Norm(ReadOnlySpan<float> x) => Math.Sqrt(Dot(x, x));

    public static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) return i;
            if (x[i] > x[best]) best = i;
        }
        return best;
    }

    public static int ArgMin(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) return i;
            if (x[i] < x[best]) best = i;
        }
        return best;
    }

    /// <summary>Top-k by a full stable sort of all indices (O(n log n)), in TopK's order.</summary>
    public static int[] TopIndices(ReadOnlySpan<float> values, int k, bool largest)
    {
        var v = values.ToArray();
        var order = Enumerable.Range(0, v.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            bool an = float.IsNaN(v[a]), bn = float.IsNaN(v[b]);
            if (an != bn) return an ? 1 : -1;
            if (!an && v[a] != v[b]) return (largest ? v[a] > v[b] : v[a] < v[b]) ? -1 : 1;
            return a.CompareTo(b);
        });
        return order.Take(Math.Min(k, v.Length)).ToArray();
    }

    public static double[] ColumnSums(ReadOnlySpan<float> block, int rows, int cols, bool squares)
    {
        var s = new double[cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double x = block[i * cols + j];
                s[j] += squares ? x * x : x;
            }
        return s;
    }
}
