using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Selection of the largest positive pre-activations: per row (TopK) or over a whole batch
/// (BatchTopK); per row also of any sign (AuxK on raw pre-activations). Order is value descending,
/// then position ascending (row-major for a batch), so ties are broken the same way as a stable
/// sort would and the result is deterministic. The fast paths (sampled floors, vectorised scans)
/// fall back to the exact quickselect cut, which is also their reference in the tests.
/// </summary>
internal static class TopSelection
{
    /// <summary>Rows with k up to this use the insertion path (a sorted list of k), larger k a quickselect cut.</summary>
    internal const int SmallK = 32;

    /// <summary>
    /// Keeps the k largest positive values of each row (or the k largest of any sign when <paramref name="positiveOnly"/> is false).
    /// With <paramref name="columns"/>, row r is pre[r·n + columns[c]] for c = 0…columns.Length − 1 and the codes index c: the
    /// selection reads the chosen columns straight from the block (AuxK's dead latents) instead of a gathered copy of it.
    /// </summary>
    public static void TopKPerRow(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true,
        int[]? columns = null)
    {
        if (k <= SmallK) TopKPerRowSmall(pre, rows, n, k, codes, parallel, positiveOnly, columns);
        else TopKPerRowSelect(pre, rows, n, k, codes, parallel, positiveOnly, columns);
    }

    /// <summary>Row r of the block, or its chosen <paramref name="columns"/> gathered into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<float> RowOf(float[] pre, int r, int n, int[]? columns, float[] buffer)
    {
        if (columns is null) return pre.AsSpan(r * n, n);
        int offset = r * n;
        for (int c = 0; c < columns.Length; c++) buffer[c] = pre[offset + columns[c]];
        return buffer.AsSpan(0, columns.Length);
    }

    /// <summary>
    /// Small k: one pass per row keeping a descending list of the best k (a value enters only when
    /// strictly larger than the current k-th, so on ties the earlier position stays), O(n + inserts·k).
    /// </summary>
    internal static void TopKPerRowSmall(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true,
        int[]? columns = null)
    {
        float start = positiveOnly ? 0f : float.NegativeInfinity;
        var counts = new int[rows];
        var best = new int[rows * k];
        int width = columns?.Length ?? n;
        Parallel.For(0, rows, parallel, () => (Values: new float[k], Row: new float[columns is null ? 0 : width]), (r, _, scratch) =>
        {
            var vals = scratch.Values;
            var row = RowOf(pre, r, n, columns, scratch.Row);
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
            return scratch;
        }, _ => { });
        codes.Build(counts, (r, idx, val) =>
        {
            for (int e = 0; e < idx.Length; e++) { idx[e] = best[r * k + e]; val[e] = pre[r * n + (columns is null ? idx[e] : columns[idx[e]])]; }
        }, parallel);
    }

    /// <summary>
    /// General k: an exact cut per row from a histogram of the values' high bits (<see cref="HistogramRowCut"/>): one
    /// vectorised pass maps each value to one of <see cref="Buckets"/> buckets in value order, one pass counts them, a
    /// walk down from the top bucket finds the bucket holding the k-th largest, and quickselect runs only on that
    /// bucket's values. The exact <see cref="Cut"/> (quickselect over the whole row) is the reference, and runs when a
    /// row has fewer than k positive normal values or holds an infinity or NaN. Each row's entries are written at r·k
    /// while the row is in cache, then moved down to close the gaps.
    /// </summary>
    internal static void TopKPerRowSelect(float[] pre, int rows, int n, int k, SparseCodes codes, ParallelOptions parallel, bool positiveOnly = true,
        int[]? columns = null)
    {
        var counts = new int[rows];
        int width = columns?.Length ?? n;
        codes.Reserve(rows * k);
        Parallel.For(0, rows, parallel, () => new RowScratch(width), (r, _, scratch) =>
        {
            var row = RowOf(pre, r, n, columns, scratch.Row);
            var (cut, count, ties) = HistogramRowCut(row, k, scratch, positiveOnly) ?? Cut(row, k, scratch.Buffer, positiveOnly);
            Gather(row, cut, ties, codes.Index.AsSpan(r * k, count), codes.Value.AsSpan(r * k, count), positiveOnly);
            counts[r] = count;
            return scratch;
        }, _ => { });
        codes.CloseGaps(counts, k);
    }

    /// <summary>Buckets of <see cref="HistogramRowCut"/>: the top 11 bits of a value's order-preserving key.</summary>
    internal const int Buckets = 2048;

    /// <summary>Per-thread work arrays of <see cref="TopKPerRowSelect"/>; <see cref="Counts"/> is all zeros between rows.</summary>
    private sealed class RowScratch(int n)
    {
        public readonly float[] Buffer = new float[n];
        public readonly float[] Row = new float[n];
        public readonly int[] Bucket = new int[n];
        /// <summary>Two histograms side by side (even and odd positions), so runs of equal buckets do not chain on one counter.</summary>
        public readonly int[] Counts = new int[2 * Buckets];
    }

    /// <summary>
    /// The cut of <see cref="Cut"/> by a histogram, or null when the exact path must run. Buckets follow value order:
    /// for positive values only, the bits of a float above 0 are in value order as integers, so the bucket is bits ≫ 20
    /// (exponent and 3 mantissa bits; every value ≤ 0, and the subnormals, fall in bucket 0, which is never taken);
    /// for any sign, −0 is made +0 and the bits are flipped into an unsigned key in value order (all bits of a negative
    /// value, the sign bit of a positive one), bucket key ≫ 21. With the bucket b* where the count from the top first
    /// reaches k, every value in a higher bucket is kept, and the rest of the k are the largest of b*'s values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float Threshold, int Count, int Ties)? HistogramRowCut(ReadOnlySpan<float> row, int k, RowScratch scratch, bool positiveOnly)
    {
        if (row.Length <= k) return null;
        var bucket = scratch.Bucket.AsSpan(0, row.Length);
        var (low, high) = BucketsOf(row, bucket, positiveOnly);
        // ±∞ and NaN (keys at either end) are left to the exact path, which orders them as the float comparisons do.
        if (high >= (positiveOnly ? 2040 : 2044) || (!positiveOnly && low <= 3)) return null;
        var counts = scratch.Counts;
        int i = 0;
        for (; i + 1 < bucket.Length; i += 2)
        {
            counts[bucket[i]]++;
            counts[Buckets + bucket[i + 1]]++;
        }
        if (i < bucket.Length) counts[bucket[i]]++;
        int above = 0, cutBucket = -1, stop = positiveOnly ? Math.Max(low, 1) : low;
        for (int b = high; b >= stop; b--)
        {
            int here = counts[b] + counts[Buckets + b];
            if (above + here >= k) { cutBucket = b; break; }
            above += here;
        }
        counts.AsSpan(low, high - low + 1).Clear();
        counts.AsSpan(Buckets + low, high - low + 1).Clear();
        if (cutBucket < 0) return null; // fewer than k positive normal values: the exact path keeps them all

        int candidates = 0;
        var buffer = scratch.Buffer;
        for (int q = 0; q < bucket.Length; q++)
            if (bucket[q] == cutBucket) buffer[candidates++] = row[q];
        var values = buffer.AsSpan(0, candidates);
        float t = SelectDescending(values, k - above - 1);
        int greater = above;
        foreach (float v in values) if (v > t) greater++;
        return (t, k, k - greater);
    }

    /// <summary>Writes each value's bucket (see <see cref="HistogramRowCut"/>) and returns the lowest and highest bucket, eight values at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Low, int High) BucketsOf(ReadOnlySpan<float> row, Span<int> bucket, bool positiveOnly)
    {
        int i = 0, low = Buckets, high = -1;
        if (Vector256.IsHardwareAccelerated && row.Length >= Vector256<int>.Count)
        {
            var lo = Vector256.Create(Buckets);
            var hi = Vector256.Create(-1);
            ref float src = ref MemoryMarshal.GetReference(row);
            ref int dst = ref MemoryMarshal.GetReference(bucket);
            for (; i <= row.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var b = BucketOf(Vector256.LoadUnsafe(ref src, (nuint)i), positiveOnly);
                b.StoreUnsafe(ref dst, (nuint)i);
                lo = Vector256.Min(lo, b);
                hi = Vector256.Max(hi, b);
            }
            for (int lane = 0; lane < Vector256<int>.Count; lane++)
            {
                low = Math.Min(low, lo[lane]);
                high = Math.Max(high, hi[lane]);
            }
        }
        for (; i < row.Length; i++)
        {
            int b = BucketOf(Vector256.Create(row[i]), positiveOnly)[0];
            bucket[i] = b;
            low = Math.Min(low, b);
            high = Math.Max(high, b);
        }
        return (low, high);
    }

    /// <summary>The buckets of eight values: bits ≫ 20 of max(bits, 0) for positive values only, else the order-preserving key ≫ 21.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> BucketOf(Vector256<float> v, bool positiveOnly)
    {
        if (positiveOnly) return Vector256.ShiftRightLogical(Vector256.Max(v.AsInt32(), Vector256<int>.Zero), 20);
        var bits = (v + Vector256<float>.Zero).AsInt32(); // −0 + 0 = +0, so both zeros share a key
        var key = bits ^ (Vector256.ShiftRightArithmetic(bits, 31) | Vector256.Create(int.MinValue));
        return Vector256.ShiftRightLogical(key, 21);
    }

    /// <summary>
    /// Keeps the m largest positive values of the whole rows×n block (ties at the cut go to the
    /// earliest positions, row-major). A strided sample of 65,536 values gives a floor lo safely
    /// below the m-th largest (the sample rank 2·m/length·S + 64, twice the expected one plus a
    /// margin); one vectorised pass collects every value ≥ lo with its position, and the cut and
    /// the codes come from those candidates alone (about 2m of them), so the block is read once.
    /// When the candidates are fewer than m (the floor was too high, or there are fewer than m
    /// positive values) the exact <see cref="TopOfBatchReference"/> runs instead; both give the same codes.
    /// </summary>
    public static void TopOfBatch(float[] pre, int rows, int n, long m, SparseCodes codes, ParallelOptions parallel)
    {
        long length = (long)rows * n;
        float lo = CandidateFloor(pre, length, m);
        if (!(lo > 0)) { TopOfBatchReference(pre, rows, n, m, codes, parallel); return; }

        const int band = 16; // rows per block of candidates
        int blocks = (rows + band - 1) / band;
        var blockIndex = new int[blocks][];
        var blockValue = new float[blocks][];
        var rowCount = new int[rows];
        int capacity = (int)Math.Min(int.MaxValue / 2, 2.0 * m / rows * band + 64);
        Parallel.For(0, blocks, parallel, b =>
        {
            var idx = new int[capacity];
            var val = new float[capacity];
            int count = 0;
            for (int r = b * band; r < Math.Min(rows, (b + 1) * band); r++)
            {
                int before = count;
                CollectAtLeast(pre.AsSpan(r * n, n), lo, ref idx, ref val, ref count);
                rowCount[r] = count - before;
            }
            blockIndex[b] = idx;
            blockValue[b] = val;
        });
        var rowFirst = new long[rows + 1]; // offset of each row's candidates within its block
        long total = 0;
        for (int r = 0; r < rows; r++)
        {
            rowFirst[r] = r % band == 0 ? 0 : rowFirst[r - 1] + rowCount[r - 1];
            total += rowCount[r];
        }
        if (total < m) { TopOfBatchReference(pre, rows, n, m, codes, parallel); return; }

        var all = new float[total];
        long at = 0;
        for (int r = 0; r < rows; r++)
        {
            blockValue[r / band].AsSpan((int)rowFirst[r], rowCount[r]).CopyTo(all.AsSpan((int)at));
            at += rowCount[r];
        }
        float t = SelectDescending(all, (int)m - 1);
        long greater = 0;
        foreach (float v in all) if (v > t) greater++;
        long ties = m - greater;

        var counts = new int[rows];
        var tieQuota = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var val = blockValue[r / band].AsSpan((int)rowFirst[r], rowCount[r]);
            int above = 0, equal = 0;
            foreach (float v in val) { if (v > t) above++; else if (v == t) equal++; }
            tieQuota[r] = (int)Math.Min(ties, equal);
            ties -= tieQuota[r];
            counts[r] = above + tieQuota[r];
        }
        codes.Build(counts, (r, idx, val) =>
        {
            var ci = blockIndex[r / band].AsSpan((int)rowFirst[r], rowCount[r]);
            var cv = blockValue[r / band].AsSpan((int)rowFirst[r], rowCount[r]);
            int quota = tieQuota[r], k = 0;
            for (int c = 0; c < ci.Length; c++)
                if (cv[c] > t || (cv[c] == t && quota-- > 0)) { idx[k] = ci[c]; val[k] = cv[c]; k++; }
        }, parallel);
    }

    /// <summary>
    /// The plain form of <see cref="TopOfBatch"/>: an exact quickselect cut over every positive value
    /// of the block, then each row keeps its values above the cut and its share of the ties.
    /// </summary>
    internal static void TopOfBatchReference(float[] pre, int rows, int n, long m, SparseCodes codes, ParallelOptions parallel)
    {
        var (threshold, _, tiesAllowed) = Cut(pre.AsSpan(0, rows * n), m, new float[(long)rows * n]);
        var counts = new int[rows];
        var tieQuota = new int[rows];
        int left = tiesAllowed;
        for (int r = 0; r < rows; r++)
        {
            int above = 0, equal = 0;
            foreach (float v in pre.AsSpan(r * n, n))
            {
                if (v > threshold) above++;
                else if (v == threshold && v > 0) equal++;
            }
            tieQuota[r] = Math.Min(left, equal);
            left -= tieQuota[r];
            counts[r] = above + tieQuota[r];
        }
        codes.Build(counts, (r, idx, val) => Gather(pre.AsSpan(r * n, n), threshold, tieQuota[r], idx, val), parallel);
    }

    /// <summary>
    /// A value below the m-th largest of the first <paramref name="length"/> values with high probability, from a
    /// strided sample; 0 when m is a large share of the values (then the exact path is as cheap).
    /// </summary>
    internal static float CandidateFloor(float[] values, long length, long m)
        => SampledFloor(values.AsSpan(0, checked((int)length)), m, samples: 65536, margin: 64, new float[Math.Min(length, 2 * 65536)]) ?? 0f;

    /// <summary>
    /// The shared estimate behind the sampled paths: a strided sample of about <paramref name="samples"/> values
    /// (at most <paramref name="buffer"/>'s length), and its value at rank 2·m/length·S + margin in descending order:
    /// twice the expected rank of the m-th largest plus a margin, so the true m-th largest is almost surely above it.
    /// Null when that rank reaches half the sample (m is too large a share for sampling to pay).
    /// </summary>
    private static float? SampledFloor(ReadOnlySpan<float> values, long m, int samples, int margin, Span<float> buffer)
    {
        int length = values.Length, stride = Math.Max(1, length / samples), s = 0;
        for (int i = 0; i < length && s < buffer.Length; i += stride) buffer[s++] = values[i];
        double safeRank = Math.Ceiling(2.0 * m / length * s + margin);
        if (safeRank >= s / 2) return null;
        return SelectDescending(buffer[..s], (int)safeRank);
    }

    /// <summary>Appends (position, value) of every element ≥ <paramref name="floor"/>, in position order, growing the buffers as needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CollectAtLeast(ReadOnlySpan<float> row, float floor, ref int[] idx, ref float[] val, ref int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(floor);
            ref float start = ref MemoryMarshal.GetReference(row);
            for (; i <= row.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                uint mask = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)i), f).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(mask);
                    Append(i + lane, row[i + lane], ref idx, ref val, ref count);
                    mask &= mask - 1;
                }
            }
        }
        for (; i < row.Length; i++) if (row[i] >= floor) Append(i, row[i], ref idx, ref val, ref count);
    }

    private static void Append(int position, float value, ref int[] idx, ref float[] val, ref int count)
    {
        if (count == idx.Length)
        {
            Array.Resize(ref idx, idx.Length * 2);
            Array.Resize(ref val, val.Length * 2);
        }
        idx[count] = position;
        val[count] = value;
        count++;
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
    /// Writes the kept entries of a row in position order: values above <paramref name="threshold"/>, plus the first
    /// <paramref name="ties"/> values equal to it (values ≤ 0 never, when <paramref name="positiveOnly"/>). Eight
    /// values are compared at a time and only the lanes at or above the cut are visited, so the loop does not
    /// branch on every value (a sign test per value mispredicts on half of them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(ReadOnlySpan<float> row, float threshold, int ties, Span<int> idx, Span<float> val, bool positiveOnly = true)
    {
        // With positive values only and a cut at or below 0 (fewer positives than k), every positive value is kept.
        bool strict = positiveOnly && !(threshold > 0);
        float floor = strict ? 0f : threshold;
        int at = 0, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(floor);
            ref float start = ref MemoryMarshal.GetReference(row);
            for (; i <= row.Length - Vector256<float>.Count && at < idx.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                uint mask = (strict ? Vector256.GreaterThan(v, f) : Vector256.GreaterThanOrEqual(v, f)).ExtractMostSignificantBits();
                while (mask != 0 && at < idx.Length)
                {
                    int lane = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    float x = row[i + lane];
                    if (x > floor || (x == floor && !strict && ties-- > 0)) { idx[at] = i + lane; val[at] = x; at++; }
                }
            }
        }
        for (; i < row.Length && at < idx.Length; i++)
        {
            float x = row[i];
            if (x > floor || (x == floor && !strict && ties-- > 0)) { idx[at] = i; val[at] = x; at++; }
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
