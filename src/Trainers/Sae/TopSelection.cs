namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Selection of the largest positive pre-activations: per row (TopK) or over a whole batch
/// (BatchTopK); per row also of any sign (AuxK on raw pre-activations). Order is value descending, then position ascending (row-major for a batch), so
/// ties are broken the same way as a stable sort would and the result is deterministic.
/// </summary>
internal static class TopSelection
{
    /// <summary>Rows with k up to this use the insertion path (a sorted list of k), larger k quickselect.</summary>
    internal const int SmallK = 32;

    /// <summary>Keeps the k largest positive values of each row (or the k largest of any sign when <paramref name="positiveOnly"/> is false).</summary>
    public static void TopKPerRow(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true)
    {
        if (k <= SmallK) TopKPerRowSmall(pre, rows, n, k, codes, parallel, positiveOnly);
        else TopKPerRowSelect(pre, rows, n, k, codes, parallel, positiveOnly);
    }

    /// <summary>
    /// Small k: one pass per row keeping a descending list of the best k (a value enters only when
    /// strictly larger than the current k-th, so on ties the earlier position stays), O(n + inserts·k).
    /// </summary>
    internal static void TopKPerRowSmall(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true)
    {
        float start = positiveOnly ? 0f : float.NegativeInfinity;
        var counts = new int[rows];
        var best = new int[rows * k];
        Parallel.For(0, rows, parallel, () => new float[k], (r, _, vals) =>
        {
            var row = pre.AsSpan(r * n, n);
            var idx = best.AsSpan(r * k, k);
            int count = 0;
            float floor = start; // a candidate must beat this: 0 (or −∞) until the list is full, then the k-th value
            for (int i = 0; i < row.Length; i++)
            {
                float v = row[i];
                if (v <= floor) continue;
                int at = count < k ? count++ : k - 1;
                while (at > 0 && vals[at - 1] < v) { vals[at] = vals[at - 1]; idx[at] = idx[at - 1]; at--; }
                vals[at] = v; idx[at] = i;
                if (count == k) floor = vals[k - 1];
            }
            idx[..count].Sort();
            counts[r] = count;
            return vals;
        }, _ => { });
        codes.Build(counts, (r, idx, val) =>
        {
            for (int e = 0; e < idx.Length; e++) { idx[e] = best[r * k + e]; val[e] = pre[r * n + idx[e]]; }
        }, parallel);
    }

    /// <summary>General k: a quickselect cut per row.</summary>
    internal static void TopKPerRowSelect(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true)
    {
        var counts = new int[rows];
        var cut = new float[rows];
        var ties = new int[rows];
        Parallel.For(0, rows, parallel, () => new float[n], (r, _, buffer) =>
        {
            var row = pre.AsSpan(r * n, n);
            (cut[r], counts[r], ties[r]) = Cut(row, k, buffer, positiveOnly);
            return buffer;
        }, _ => { });
        codes.Build(counts, (r, idx, val) => Gather(pre.AsSpan(r * n, n), cut[r], ties[r], idx, val, positiveOnly), parallel);
    }

    /// <summary>Keeps the m largest positive values of the whole rows×n block.</summary>
    public static void TopOfBatch(float[] pre, int rows, int n, long m, SparseCodes codes, ParallelOptions parallel)
    {
        var (threshold, _, tiesAllowed) = SampledCut(pre, rows * n, m, parallel);
        // Ties at the cut go to the earliest rows: count each row's ties, then hand out the quota in order.
        var counts = new int[rows];
        var tieCounts = new int[rows];
        Parallel.For(0, rows, parallel, r =>
        {
            var row = pre.AsSpan(r * n, n);
            int above = 0, equal = 0;
            foreach (float v in row)
            {
                if (v > threshold) above++;
                else if (v == threshold && v > 0) equal++;
            }
            counts[r] = above;
            tieCounts[r] = equal;
        });
        var tieQuota = new int[rows];
        int left = tiesAllowed;
        for (int r = 0; r < rows; r++)
        {
            tieQuota[r] = Math.Min(left, tieCounts[r]);
            left -= tieQuota[r];
            counts[r] += tieQuota[r];
        }
        codes.Build(counts, (r, idx, val) => Gather(pre.AsSpan(r * n, n), threshold, tieQuota[r], idx, val), parallel);
    }

    /// <summary>Keeps every value strictly above its threshold (one per latent, or a scalar when <paramref name="threshold"/> has length 1) and above zero.</summary>
    public static void AboveThreshold(float[] pre, int rows, int n, ReadOnlySpan<float> threshold, SparseCodes codes, ParallelOptions parallel, bool exponentiate = false)
    {
        var t = new float[n];
        for (int i = 0; i < n; i++)
        {
            float v = threshold.Length == 1 ? threshold[0] : threshold[i];
            t[i] = Math.Max(0f, exponentiate ? MathF.Exp(v) : v);
        }
        var counts = new int[rows];
        Parallel.For(0, rows, parallel, r =>
        {
            int c = 0;
            var row = pre.AsSpan(r * n, n);
            for (int i = 0; i < n; i++) if (row[i] > t[i]) c++;
            counts[r] = c;
        });
        codes.Build(counts, (r, idx, val) =>
        {
            var row = pre.AsSpan(r * n, n);
            int at = 0;
            for (int i = 0; i < n; i++)
                if (row[i] > t[i]) { idx[at] = i; val[at] = row[i]; at++; }
        }, parallel);
    }

    /// <summary>
    /// The cut for keeping the m largest positive values: every value above <c>Threshold</c> is
    /// kept plus the first <c>Ties</c> values equal to it; <c>Count</c> is the total kept.
    /// </summary>
    internal static (float Threshold, int Count, int Ties) Cut(ReadOnlySpan<float> values, long m, Span<float> buffer, bool positiveOnly = true)
    {
        int positives = 0;
        foreach (float v in values) if (v > 0 || !positiveOnly) buffer[positives++] = v;
        if (positives <= m) return (positiveOnly ? 0f : float.NegativeInfinity, positives, 0);
        var pos = buffer[..positives];
        int target = (int)m - 1; // position in descending order
        float t = SelectDescending(pos, target);
        int above = 0;
        foreach (float v in values) if (v > t) above++;
        return (t, (int)m, (int)m - above);
    }

    /// <summary>
    /// The same cut as <see cref="Cut"/> over a whole batch, without sorting or histogramming the
    /// whole batch: a fixed, evenly strided sample estimates a value <c>lo</c> safely below the m-th
    /// largest (twice the expected rank plus a margin); one streaming parallel pass collects every
    /// value ≥ lo (chunk order, so deterministic), and quickselect runs on those candidates only.
    /// If the candidates are fewer than m the estimate was too high and the exact full cut runs instead,
    /// so the result always equals <see cref="Cut"/>'s.
    /// </summary>
    internal static (float Threshold, int Count, int Ties) SampledCut(float[] values, int length, long m, ParallelOptions parallel)
    {
        const int chunk = 1 << 16;
        int chunks = (length + chunk - 1) / chunk;
        var positiveCounts = new int[chunks];
        Parallel.For(0, chunks, parallel, c =>
        {
            int end = Math.Min(length, (c + 1) * chunk), k = 0;
            for (int i = c * chunk; i < end; i++) if (values[i] > 0) k++;
            positiveCounts[c] = k;
        });
        long positives = 0;
        foreach (int k in positiveCounts) positives += k;
        if (positives <= m) return (0f, (int)positives, 0);

        int stride = Math.Max(1, length / 65536);
        var sample = new List<float>();
        for (int i = 0; i < length; i += stride) if (values[i] > 0) sample.Add(values[i]);
        double expectedRank = (double)m / positives * sample.Count;
        int safeRank = (int)Math.Ceiling(2 * expectedRank + 64);
        if (safeRank >= sample.Count) return Cut(values.AsSpan(0, length), m, new float[length]);
        var sampleArray = sample.ToArray();
        float lo = SelectDescending(sampleArray, safeRank);

        var parts = new float[chunks][];
        Parallel.For(0, chunks, parallel, c =>
        {
            int end = Math.Min(length, (c + 1) * chunk);
            var list = new List<float>();
            for (int i = c * chunk; i < end; i++) if (values[i] >= lo && values[i] > 0) list.Add(values[i]);
            parts[c] = list.ToArray();
        });
        var candidates = parts.SelectMany(p => p).ToArray();
        if (candidates.Length < m) return Cut(values.AsSpan(0, length), m, new float[length]);
        float t = SelectDescending(candidates, (int)m - 1);
        int greater = 0;
        foreach (float v in candidates) if (v > t) greater++;
        return (t, (int)m, (int)m - greater);
    }

    private static void Gather(ReadOnlySpan<float> row, float threshold, int ties, Span<int> idx, Span<float> val, bool positiveOnly = true)
    {
        int at = 0;
        for (int i = 0; i < row.Length && at < idx.Length; i++)
        {
            float v = row[i];
            if (v <= 0 && positiveOnly) continue;
            if (v > threshold || (v == threshold && ties-- > 0)) { idx[at] = i; val[at] = v; at++; }
        }
    }

    /// <summary>Quickselect (Hoare partition, median of three): the value at position <paramref name="target"/> of a descending sort. Reorders the span.</summary>
    internal static float SelectDescending(Span<float> a, int target)
    {
        int lo = 0, hi = a.Length - 1;
        while (hi > lo)
        {
            int mid = lo + (hi - lo) / 2;
            if (a[mid] > a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] > a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] > a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            float pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return a[target];
        }
        return a[target];
    }
}
