namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Internal and external quality measures of a clustering, with scikit-learn's definitions
/// (sklearn.metrics): inertia, Davies–Bouldin, silhouette, normalised mutual information
/// (arithmetic mean normalisation) and the adjusted Rand index.
/// </summary>
public static class ClusterQuality
{
    /// <summary>
    /// True when the quality indices are undefined for <paramref name="labels"/>: fewer than 2 distinct
    /// labels, or as many as rows (e.g. identical rows all land in one cluster).
    /// </summary>
    public static bool IsDegenerate(int[] labels)
    {
        int distinct = labels.Distinct().Count();
        return distinct < 2 || distinct > labels.Length - 1;
    }

    /// <summary>Largest N for which <see cref="Silhouette(float[], int, int, int[], ClusterMetric, int, int)"/> is exact by default; above it a seeded sample is scored.</summary>
    public const int DefaultSilhouetteSample = 5000;

    /// <summary>Σ_n ‖x_n − μ_label(n)‖² in double.</summary>
    public static double Inertia(float[] x, int n, int d, float[] centroids, int[] labels)
    {
        CheckLabels(labels, n, centroids.Length / d);
        return Lloyd.Inertia(x, d, centroids, labels);
    }

    /// <summary>
    /// Davies–Bouldin index: the mean over clusters i of max_{j≠i} (s_i + s_j) / ‖c_i − c_j‖, with c the
    /// cluster means and s_i the mean Euclidean distance of cluster i's rows to c_i. Lower is better.
    /// NaN for a degenerate clustering (fewer than 2 non-empty clusters), where the index is undefined.
    /// </summary>
    public static double DaviesBouldin(float[] x, int n, int d, int[] labels) => DaviesBouldin(() => [(x, n)], n, d, labels);

    /// <summary>
    /// <see cref="DaviesBouldin(float[], int, int, int[])"/> over data read a block at a time: <paramref name="blocks"/>
    /// yields the n rows in order as (rows×d block, rows) and is enumerated twice (cluster means, then spreads),
    /// so data larger than memory (a memory-mapped file) can be scored.
    /// </summary>
    public static double DaviesBouldin(Func<IEnumerable<(float[] Block, int Rows)>> blocks, int n, int d, int[] labels)
    {
        var (ids, dense) = Relabel(labels, n);
        int k = ids.Length;
        if (k < 2) return double.NaN;
        var means = new double[k * d];
        var counts = new long[k];
        int offset = 0;
        foreach (var (x, rows) in blocks())
        {
            for (int i = 0; i < rows; i++)
            {
                int c = dense[offset + i];
                counts[c]++;
                for (int t = 0; t < d; t++) means[c * d + t] += x[i * d + t];
            }
            offset += rows;
        }
        if (offset != n) throw new ConceptDataException($"Davies–Bouldin: the blocks hold {offset} rows, the labels {n}.");
        for (int j = 0; j < k; j++) for (int t = 0; t < d; t++) means[j * d + t] /= counts[j];
        var spread = new double[k];
        offset = 0;
        foreach (var (x, rows) in blocks())
        {
            for (int i = 0; i < rows; i++)
            {
                int c = dense[offset + i];
                double s = 0;
                for (int t = 0; t < d; t++) { double diff = x[i * d + t] - means[c * d + t]; s += diff * diff; }
                spread[c] += Math.Sqrt(s);
            }
            offset += rows;
        }
        for (int j = 0; j < k; j++) spread[j] /= counts[j];
        double total = 0;
        for (int a = 0; a < k; a++)
        {
            double worst = 0;
            for (int b = 0; b < k; b++)
            {
                if (a == b) continue;
                double s = 0;
                for (int t = 0; t < d; t++) { double diff = means[a * d + t] - means[b * d + t]; s += diff * diff; }
                double dist = Math.Sqrt(s);
                if (dist == 0) continue; // coincident centres: scikit-learn treats the distance as infinite
                worst = Math.Max(worst, (spread[a] + spread[b]) / dist);
            }
            total += worst;
        }
        return total / k;
    }

    /// <summary>
    /// Mean silhouette s_n = (b_n − a_n) / max(a_n, b_n), a_n the mean distance to the other rows of
    /// n's cluster, b_n the smallest mean distance to another cluster's rows (s_n = 0 in a singleton
    /// cluster). Exact for N ≤ <paramref name="sampleSize"/>; otherwise, as scikit-learn's
    /// <c>sample_size</c>, the silhouette of a uniformly drawn subset of that size (seeded).
    /// Distances are Euclidean, or 1 − cos for <see cref="ClusterMetric.Cosine"/>. NaN for a degenerate
    /// clustering of the scored rows (fewer than 2 clusters, or as many clusters as rows), where it is undefined.
    /// </summary>
    public static double Silhouette(float[] x, int n, int d, int[] labels, ClusterMetric metric = ClusterMetric.Euclidean,
        int sampleSize = DefaultSilhouetteSample, int seed = 0)
        => Silhouette((row, destination) => x.AsSpan((int)row * d, d).CopyTo(destination), n, d, labels, metric, sampleSize, seed);

    /// <summary>
    /// <see cref="Silhouette(float[], int, int, int[], ClusterMetric, int, int)"/> reading only the rows it scores through
    /// <paramref name="readRow"/>(row, destination) (e.g. from a memory-mapped file); the same seeded subset as the array form.
    /// </summary>
    public static double Silhouette(Action<long, Span<float>> readRow, int n, int d, int[] labels, ClusterMetric metric = ClusterMetric.Euclidean,
        int sampleSize = DefaultSilhouetteSample, int seed = 0)
    {
        if (labels.Length != n) throw new ConceptDataException($"Silhouette: {labels.Length} labels for {n} rows.");
        int[] rows;
        if (n > sampleSize)
        {
            var rng = new Random(seed);
            var all = Enumerable.Range(0, n).ToArray();
            for (int i = 0; i < sampleSize; i++) { int j = i + rng.Next(n - i); (all[i], all[j]) = (all[j], all[i]); }
            rows = all[..sampleSize];
            Array.Sort(rows);
        }
        else rows = Enumerable.Range(0, n).ToArray();
        int m = rows.Length;
        var sub = new float[m * d];
        var subLabels = new int[m];
        for (int i = 0; i < m; i++) { readRow(rows[i], sub.AsSpan(i * d, d)); subLabels[i] = labels[rows[i]]; }
        if (metric == ClusterMetric.Cosine) sub = ClusterInput.NormalizeRows(sub, m, d, "silhouette");
        var (ids, dense) = Relabel(subLabels, m);
        int k = ids.Length;
        if (k < 2 || k > m - 1) return double.NaN;
        var sizes = new long[k];
        foreach (int c in dense) sizes[c]++;

        var norms = SquaredDistances.RowNorms(sub, m, d);
        int block = Math.Min(512, m);
        var dist = new float[block * m];
        var sums = new double[k];
        double total = 0;
        for (int start = 0; start < m; start += block)
        {
            int r = Math.Min(block, m - start);
            SquaredDistances.Gemm(sub.AsSpan(start * d, r * d), norms.AsSpan(start, r), r, sub, norms, m, d, dist);
            for (int i = 0; i < r; i++)
            {
                Array.Clear(sums);
                int self = start + i;
                for (int j = 0; j < m; j++)
                {
                    if (j == self) continue;
                    double sq = dist[i * m + j];
                    sums[dense[j]] += metric == ClusterMetric.Cosine ? sq / 2 : Math.Sqrt(sq); // ‖x̂−ŷ‖²/2 = 1 − cos
                }
                int own = dense[self];
                if (sizes[own] == 1) continue; // s = 0
                double a = sums[own] / (sizes[own] - 1);
                double b = double.PositiveInfinity;
                for (int c = 0; c < k; c++) if (c != own) b = Math.Min(b, sums[c] / sizes[c]);
                double denom = Math.Max(a, b);
                total += denom > 0 ? (b - a) / denom : 0;
            }
        }
        return total / m;
    }

    /// <summary>
    /// Normalised mutual information I(U; V) / ((H(U) + H(V)) / 2) (scikit-learn's default, arithmetic
    /// normalisation); 1 when both labelings have a single class.
    /// </summary>
    public static double NormalizedMutualInformation(int[] truth, int[] predicted)
    {
        var (table, rowSums, colSums, n) = Contingency(truth, predicted);
        if (rowSums.Length == 1 && colSums.Length == 1) return 1.0;
        if (rowSums.Length == 1 || colSums.Length == 1) return 0.0;
        double mi = 0;
        foreach (var ((r, c), count) in table)
            mi += count / (double)n * Math.Log((double)count * n / ((double)rowSums[r] * colSums[c]));
        double hu = Entropy(rowSums, n), hv = Entropy(colSums, n);
        double norm = (hu + hv) / 2;
        return norm > 0 ? Math.Max(0, mi) / norm : 0;
    }

    /// <summary>
    /// Adjusted Rand index (Hubert and Arabie 1985), in scikit-learn's pair-confusion form
    /// 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)); 1 for identical partitions.
    /// </summary>
    public static double AdjustedRandIndex(int[] truth, int[] predicted)
    {
        var (table, rowSums, colSums, n) = Contingency(truth, predicted);
        double sumSquares = 0;
        foreach (var count in table.Values) sumSquares += (double)count * count;
        double rowSq = rowSums.Sum(v => (double)v * v), colSq = colSums.Sum(v => (double)v * v);
        double tp = sumSquares - n;
        double fp = colSq - sumSquares;
        double fn = rowSq - sumSquares;
        double tn = (double)n * n - fp - fn - sumSquares;
        if (fn == 0 && fp == 0) return 1.0;
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
    }

    private static double Entropy(long[] sums, long n)
    {
        double h = 0;
        foreach (long s in sums) if (s > 0) h -= s / (double)n * Math.Log(s / (double)n);
        return h;
    }

    private static (Dictionary<(int, int), long> Table, long[] RowSums, long[] ColSums, long N) Contingency(int[] truth, int[] predicted)
    {
        if (truth.Length != predicted.Length)
            throw new ConceptDataException($"Label comparison: {truth.Length} true labels but {predicted.Length} predicted labels.");
        if (truth.Length == 0) throw new ConceptDataException("Label comparison: no labels.");
        var (tIds, t) = Relabel(truth, truth.Length);
        var (pIds, p) = Relabel(predicted, predicted.Length);
        var table = new Dictionary<(int, int), long>();
        var rows = new long[tIds.Length];
        var cols = new long[pIds.Length];
        for (int i = 0; i < t.Length; i++)
        {
            table[(t[i], p[i])] = table.GetValueOrDefault((t[i], p[i])) + 1;
            rows[t[i]]++;
            cols[p[i]]++;
        }
        return (table, rows, cols, truth.Length);
    }

    /// <summary>Distinct labels in ascending order and every row's position among them.</summary>
    private static (int[] Ids, int[] Dense) Relabel(int[] labels, int n)
    {
        var ids = labels.Distinct().Order().ToArray();
        var map = new Dictionary<int, int>();
        for (int i = 0; i < ids.Length; i++) map[ids[i]] = i;
        var dense = new int[n];
        for (int i = 0; i < n; i++) dense[i] = map[labels[i]];
        return (ids, dense);
    }

    private static void CheckLabels(int[] labels, int n, int k)
    {
        if (labels.Length != n) throw new ConceptDataException($"{labels.Length} labels for {n} rows.");
        foreach (int l in labels)
            if ((uint)l >= (uint)k) throw new ConceptDataException($"Label {l} is outside 0..{k - 1}.");
    }
}
