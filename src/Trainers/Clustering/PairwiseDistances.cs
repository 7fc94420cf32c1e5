namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The condensed pairwise distance matrix agglomerative clustering starts from: Euclidean
/// distances (squared for Ward), or cosine distances 1 − cos on unit rows. The fast path uses
/// blocked SGEMM on mean-centred rows (centring keeps ‖x‖² − 2x·y + ‖y‖² from cancelling when
/// the data sit far from the origin); <see cref="Reference"/> subtracts directly in double.
/// </summary>
internal static class PairwiseDistances
{
    /// <summary>Which quantity is stored per pair.</summary>
    public enum Kind
    {
        /// <summary>‖x − y‖².</summary>
        SquaredEuclidean,
        /// <summary>‖x − y‖.</summary>
        Euclidean,
        /// <summary>1 − cos(x, y), for unit rows ‖x − y‖²/2.</summary>
        Cosine,
    }

    /// <summary>Condensed distances of the rows of <paramref name="x"/> (n × d; unit rows for <see cref="Kind.Cosine"/>).</summary>
    public static float[] Condensed(float[] x, int n, int d, Kind kind)
    {
        var centred = (float[])x.Clone();
        if (kind != Kind.Cosine)
        {
            var mean = new double[d];
            for (int i = 0; i < n; i++) for (int t = 0; t < d; t++) mean[t] += x[i * d + t];
            for (int i = 0; i < n; i++) for (int t = 0; t < d; t++) centred[i * d + t] = (float)(x[i * d + t] - mean[t] / n);
        }
        var norms = SquaredDistances.RowNorms(centred, n, d);
        var result = new float[(long)n * (n - 1) / 2];
        int block = Math.Max(1, Math.Min(n, (1 << 22) / Math.Max(1, n)));
        var buffer = new float[block * n];
        for (int start = 0; start < n; start += block)
        {
            int rows = Math.Min(block, n - start);
            SquaredDistances.Gemm(centred.AsSpan(start * d, rows * d), norms.AsSpan(start, rows), rows, centred, norms, n, d, buffer);
            for (int r = 0; r < rows; r++)
            {
                int i = start + r;
                long at = NearestNeighborChain.Index(n, i, Math.Min(i + 1, n - 1));
                for (int j = i + 1; j < n; j++) result[at++] = Convert(buffer[r * n + j], kind);
            }
        }
        return result;
    }

    /// <summary>Full symmetric matrix by direct subtraction in double: the reference.</summary>
    public static double[,] Reference(float[] x, int n, int d, Kind kind)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double sq = SquaredDistances.Between(x.AsSpan(i * d, d), x.AsSpan(j * d, d));
                m[i, j] = m[j, i] = kind switch { Kind.SquaredEuclidean => sq, Kind.Euclidean => Math.Sqrt(sq), _ => sq / 2 };
            }
        return m;
    }

    private static float Convert(float sq, Kind kind) => kind switch
    {
        Kind.SquaredEuclidean => sq,
        Kind.Euclidean => MathF.Sqrt(sq),
        _ => sq / 2f,
    };
}
