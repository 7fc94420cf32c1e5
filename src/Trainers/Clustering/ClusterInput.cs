namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Checks and prepares the matrix a clusterer is fitted on, with errors that name the row or size at fault.</summary>
public static class ClusterInput
{
    /// <summary>Throws when any value is NaN or infinite, naming the first such row.</summary>
    public static void CheckFinite(ReadOnlySpan<float> x, int rows, int d, string source, long rowOffset = 0)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * d, d);
            for (int t = 0; t < d; t++)
                if (!float.IsFinite(row[t]))
                    throw new ConceptDataException($"{source}: row {rowOffset + i} has a non-finite value ({row[t]}) in dimension {t}; clustering needs finite values.");
        }
    }

    /// <summary>Throws unless 1 ≤ k ≤ n.</summary>
    public static void CheckK(int k, long n, string source)
    {
        if (k < 1) throw new ConceptDataException($"{source}: the number of clusters k must be at least 1, got {k}.");
        if (n < 1) throw new ConceptDataException($"{source}: there are no rows to cluster.");
        if (k > n) throw new ConceptDataException($"{source}: k = {k} clusters requested but there are only {n} rows (k must not exceed the number of rows).");
    }

    /// <summary>
    /// Unit-normalised copy of the rows (the cosine metric). A zero row has no direction, so it is
    /// an error that names the row rather than a silent NaN.
    /// </summary>
    public static float[] NormalizeRows(ReadOnlySpan<float> x, int rows, int d, string source, long rowOffset = 0)
    {
        var y = new float[rows * d];
        NormalizeRowsInto(x, y, rows, d, source, rowOffset);
        return y;
    }

    /// <summary>Writes the unit-normalised rows of <paramref name="x"/> into <paramref name="y"/>.</summary>
    public static void NormalizeRowsInto(ReadOnlySpan<float> x, Span<float> y, int rows, int d, string source, long rowOffset = 0)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * d, d);
            double norm = Math.Sqrt(SquaredDistances.SquaredNorm(row));
            if (norm == 0)
                throw new ConceptDataException($"{source}: row {rowOffset + i} is the zero vector, which has no direction; the cosine metric cannot place it (drop the row or use the Euclidean metric).");
            var dst = y.Slice(i * d, d);
            for (int t = 0; t < d; t++) dst[t] = (float)(row[t] / norm);
        }
    }

    /// <summary>scikit-learn's tolerance scale: the mean over dimensions of the per-dimension variance.</summary>
    public static double MeanVariance(ReadOnlySpan<float> x, int rows, int d)
    {
        var mean = new double[d];
        AddToMeans(x, rows, d, mean);
        for (int t = 0; t < d; t++) mean[t] /= rows;
        double total = 0;
        AddSquaredDeviations(x, rows, d, mean, ref total);
        return total / rows / d;
    }

    /// <summary>The same in two passes over rows that may be streamed (the sums run in row order, so the value is the in-memory one).</summary>
    internal static double MeanVariance(LloydRows source)
    {
        int n = source.Count, d = source.Dimension;
        var mean = new double[d];
        source.ForEach(source.BlockRows, (_, count, xs, _) => AddToMeans(xs, count, d, mean));
        for (int t = 0; t < d; t++) mean[t] /= n;
        double total = 0;
        source.ForEach(source.BlockRows, (_, count, xs, _) => AddSquaredDeviations(xs, count, d, mean, ref total));
        return total / n / d;
    }

    private static void AddToMeans(ReadOnlySpan<float> x, int rows, int d, double[] sums)
    {
        for (int i = 0; i < rows; i++)
            for (int t = 0; t < d; t++) sums[t] += x[i * d + t];
    }

    private static void AddSquaredDeviations(ReadOnlySpan<float> x, int rows, int d, double[] mean, ref double total)
    {
        for (int i = 0; i < rows; i++)
            for (int t = 0; t < d; t++)
            {
                double diff = x[i * d + t] - mean[t];
                total += diff * diff;
            }
    }
}
