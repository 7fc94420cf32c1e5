using System.Numerics.Tensors;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Lloyd's iterations with scikit-learn's stopping rules: each iteration assigns every row to its
/// nearest centre and recomputes the centres as the means of their rows; it stops when the labels
/// no longer change ("strict convergence") or when the summed squared centre shift falls to the
/// tolerance, and otherwise after <c>maxIter</c> iterations (then a final assignment makes the
/// labels match the centres). An empty cluster takes the row farthest from its own centre. For
/// spherical k-means the rows are unit vectors and each mean is scaled back to unit length, so
/// assignment by smallest distance is assignment by largest cosine.
/// The assignment step expands ‖x − μ‖² = ‖x‖² − 2·x·μ + ‖μ‖² and has three interchangeable
/// implementations (<see cref="LloydPath"/>): the fused AVX-512 kernel, which computes the x·μ
/// products as a GEMM micro-kernel does and takes the arg-min in registers, one pass over x with
/// the centre sums (<see cref="FusedAssignment"/>); one SGEMM per block of rows through the
/// compute backend followed by an arg-min pass; and the double-precision brute force they are
/// tested against. The rows come from a <see cref="LloydRows"/> source, in memory or streamed from
/// a file a block at a time; every sum runs in row order and every SGEMM covers the same rows on
/// both, so a streamed run gives the in-memory centroids and labels bit for bit.
/// </summary>
internal static class Lloyd
{
    /// <summary>Rows per SGEMM block when assigning on the blocked path.</summary>
    public const int BlockRows = 2048;

    /// <summary>Runs Lloyd on an in-memory n × d matrix from <paramref name="initial"/> (k × d, not modified).</summary>
    public static ClusteringResult Run(float[] x, float[] xNorms, int n, int d, float[] initial, int k,
        int maxIter, double tolerance, bool spherical, LloydPath path = LloydPath.Auto)
        => Run(new InMemoryRows(x, xNorms, n, d), initial, k, maxIter, tolerance, spherical, path);

    /// <summary>
    /// Runs Lloyd on rows in memory or streamed from a file from <paramref name="initial"/> (k × d, not
    /// modified). Each iteration is one pass over the rows; beyond them it holds labels, the previous
    /// labels and the nearest squared distances (12 bytes a row) and the k × d float64 sums.
    /// </summary>
    public static ClusteringResult Run(LloydRows rows, float[] initial, int k,
        int maxIter, double tolerance, bool spherical, LloydPath path = LloydPath.Auto)
    {
        path = Resolve(path);
        int n = rows.Count, d = rows.Dimension;
        bool useReference = path == LloydPath.Reference;
        // The fused path keeps its per-partition sums between iterations.
        var fused = path == LloydPath.Fused ? new FusedAssignment(n, k, d) : null;
        var centres = (float[])initial.Clone();
        var labels = new int[n];
        var oldLabels = new int[n];
        var minDist = new float[n];
        bool strict = false, converged = false;
        int iterations = 0;
        for (int it = 0; it < maxIter; it++)
        {
            // The reference path keeps the separate, obvious summation pass; the fast path fuses it.
            var sums = useReference ? null : new double[k * d];
            Assign(rows, centres, k, labels, minDist, path, sums, fused);
            var next = Update(rows, k, labels, minDist, centres, spherical, sums);
            iterations = it + 1;
            if (it > 0 && labels.AsSpan().SequenceEqual(oldLabels))
            {
                centres = next;
                strict = converged = true;
                break;
            }
            double shift = 0;
            for (int t = 0; t < centres.Length; t++) { double diff = (double)next[t] - centres[t]; shift += diff * diff; }
            centres = next;
            labels.CopyTo(oldLabels, 0);
            if (shift <= tolerance) { converged = true; break; }
        }
        if (!strict) Assign(rows, centres, k, labels, minDist, path, null, fused);
        return new ClusteringResult(centres, k, d, labels, Inertia(rows, centres, labels), iterations, converged);
    }

    /// <summary>The path <see cref="LloydPath.Auto"/> stands for on this machine and backend.</summary>
    public static LloydPath Resolve(LloydPath path) => path != LloydPath.Auto ? path
        : NearestCentreKernel.IsAccelerated && ComputeSettings.Backend is ComputeBackendKind.Auto or ComputeBackendKind.Managed
            ? LloydPath.Fused : LloydPath.Blocked;

    /// <summary>
    /// Nearest centre of every row (ties to the lower index) and its squared distance; when
    /// <paramref name="sums"/> is given, also adds every row into its cluster's float64 sum.
    /// </summary>
    public static void Assign(float[] x, float[] xNorms, int n, int d, float[] centres, int k,
        int[] labels, float[] minDist, LloydPath path = LloydPath.Auto, double[]? sums = null)
        => Assign(new InMemoryRows(x, xNorms, n, d), centres, k, labels, minDist, Resolve(path), sums, null);

    private static void Assign(LloydRows rows, float[] centres, int k, int[] labels, float[] minDist,
        LloydPath path, double[]? sums, FusedAssignment? fused)
    {
        int n = rows.Count, d = rows.Dimension;
        if (path == LloydPath.Fused)
        {
            (fused ?? new FusedAssignment(n, k, d)).Assign(rows, centres, labels, minDist, sums);
            return;
        }
        bool useReference = path == LloydPath.Reference;
        var cNorms = SquaredDistances.RowNorms(centres, k, d);
        var dist = new float[Math.Min(BlockRows, n) * k];
        // Runs of BlockRows rows from row 0 on both sources (streamed blocks are multiples of it), so the
        // SGEMMs, and therefore the labels, are the same in memory and streamed.
        rows.ForEach(Math.Min(BlockRows, Math.Max(1, n)), (start, count, xs, xNorms) =>
        {
            if (useReference)
            {
                SquaredDistances.Reference(xs, count, centres, k, d, dist);
                for (int i = 0; i < count; i++)
                {
                    var row = dist.AsSpan(i * k, k);
                    int best = 0;
                    for (int j = 1; j < k; j++) if (row[j] < row[best]) best = j;
                    labels[start + i] = best;
                    minDist[start + i] = row[best];
                }
                if (sums is not null) AddBlockToSums(xs, count, d, labels.AsSpan(start, count), sums);
                return;
            }
            // ‖x‖² is the same for every centre of a row, so the nearest centre minimises ‖μ‖² − 2·x·μ:
            // one SGEMM for the block, then a SIMD multiply-add and arg-min per row (rows split over threads).
            Compute.Gemm.MatMulTransB(xs, centres, dist.AsSpan(0, count * k), count, d, k);
            ArgMinRows(dist, count, k, cNorms, xNorms, labels.AsSpan(start, count), minDist.AsSpan(start, count));
            // Summing the block into the centre sums now, while its rows are still in cache, saves a
            // second pass over all of x (sklearn's Lloyd fuses the two the same way).
            if (sums is not null) AddBlockToSums(xs, count, d, labels.AsSpan(start, count), sums);
        });
    }

    private static unsafe void ArgMinRows(float[] dist, int rows, int k, float[] cNorms, ReadOnlySpan<float> xNorms, Span<int> labels, Span<float> minDist)
    {
        fixed (float* pn = xNorms, pm = minDist)
        fixed (int* pl = labels)
        {
            var (norms, mins, labs) = ((IntPtr)pn, (IntPtr)pm, (IntPtr)pl);
            int parts = Math.Min(ComputeSettings.Threads, Math.Max(1, rows / 256));
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            {
                int from = rows * part / parts, to = rows * (part + 1) / parts;
                for (int i = from; i < to; i++)
                {
                    var row = dist.AsSpan(i * k, k);
                    TensorPrimitives.MultiplyAdd(row, -2f, cNorms, row);
                    int best = TensorPrimitives.IndexOfMin(row);
                    ((int*)labs)[i] = best;
                    ((float*)mins)[i] = Math.Max(0f, ((float*)norms)[i] + row[best]);
                }
            });
        }
    }

    /// <summary>
    /// sums[label(i)] += x_i for the rows of a block, in float64. Threads split the columns, so every
    /// sum still adds its rows in increasing row order and the result does not depend on the thread
    /// count; it equals <see cref="PlainSums"/> bit for bit.
    /// </summary>
    internal static unsafe void AddBlockToSums(ReadOnlySpan<float> block, int rows, int d, ReadOnlySpan<int> labels, double[] sums)
    {
        fixed (float* pb = block)
        fixed (int* pl = labels)
        {
            var (data, labs) = ((IntPtr)pb, (IntPtr)pl);
            int stripes = Math.Min(ComputeSettings.Threads, Math.Max(1, d / 64));
            Parallel.For(0, stripes, new ParallelOptions { MaxDegreeOfParallelism = stripes }, t =>
            {
                int c0 = d * t / stripes / 8 * 8, c1 = t == stripes - 1 ? d : d * (t + 1) / stripes / 8 * 8;
                if (c1 <= c0) return;
                for (int i = 0; i < rows; i++)
                {
                    var row = new ReadOnlySpan<float>((float*)data + (long)i * d + c0, c1 - c0);
                    SampleSums.AddColumnSums(row, 1, c1 - c0, sums.AsSpan(((int*)labs)[i] * d + c0, c1 - c0));
                }
            });
        }
    }

    /// <summary>
    /// The new centres: the mean of each cluster's rows (scaled to unit length when spherical). Without
    /// <paramref name="precomputedSums"/> the sums are taken by a separate plain pass over the rows (the
    /// reference). An empty cluster takes the row farthest from its centre (ties to the lower row).
    /// </summary>
    public static float[] Update(LloydRows rows, int k, int[] labels, float[] minDist,
        float[] oldCentres, bool spherical, double[]? precomputedSums = null)
    {
        int n = rows.Count, d = rows.Dimension;
        var sums = precomputedSums ?? PlainSums(rows, k, labels);
        var counts = new long[k];
        foreach (int l in labels.AsSpan(0, n)) counts[l]++;
        var empty = new List<int>();
        for (int j = 0; j < k; j++) if (counts[j] == 0) empty.Add(j);
        if (empty.Count > 0)
        {
            var order = Farthest(minDist.AsSpan(0, n), empty.Count);
            var buffer = new RowBuffer();
            var r = new float[d];
            for (int e = 0; e < empty.Count; e++)
            {
                int row = order[e], j = empty[e], from = labels[row];
                rows.CopyRow(row, r, buffer);
                for (int t = 0; t < d; t++) { sums[from * d + t] -= r[t]; sums[j * d + t] = r[t]; }
                counts[from]--;
                counts[j] = 1;
            }
        }
        var centres = new float[k * d];
        for (int j = 0; j < k; j++)
        {
            var c = centres.AsSpan(j * d, d);
            if (counts[j] == 0) { oldCentres.AsSpan(j * d, d).CopyTo(c); continue; } // a donor emptied by relocation keeps its place
            double scale = 1.0 / counts[j];
            if (spherical)
            {
                double norm = 0;
                for (int t = 0; t < d; t++) norm += sums[j * d + t] * sums[j * d + t];
                norm = Math.Sqrt(norm);
                if (norm == 0) { oldCentres.AsSpan(j * d, d).CopyTo(c); continue; } // opposite rows cancelled: keep the direction
                scale = 1.0 / norm;
            }
            for (int t = 0; t < d; t++) c[t] = (float)(sums[j * d + t] * scale);
        }
        return centres;
    }

    /// <summary>
    /// The <paramref name="count"/> rows with the largest distance, farthest first, ties to the lower row
    /// (the first entries of a full sort by that order, found with a bounded heap in O(n log count)).
    /// </summary>
    internal static int[] Farthest(ReadOnlySpan<float> distances, int count)
    {
        // The heap's minimum is the kept row that ranks last: smaller distance, or equal distance and higher row.
        var heap = new PriorityQueue<int, (float Dist, int Row)>(count + 1,
            Comparer<(float Dist, int Row)>.Create((a, b) => a.Dist != b.Dist ? a.Dist.CompareTo(b.Dist) : b.Row.CompareTo(a.Row)));
        for (int i = 0; i < distances.Length; i++)
        {
            if (heap.Count < count) { heap.Enqueue(i, (distances[i], i)); continue; }
            heap.TryPeek(out _, out var last);
            if (distances[i] > last.Dist) heap.EnqueueDequeue(i, (distances[i], i)); // an equal distance at a higher row ranks lower
        }
        var order = new int[heap.Count];
        for (int p = order.Length - 1; p >= 0; p--) order[p] = heap.Dequeue();
        return order;
    }

    /// <summary>sums[label(i)] += x_i in float64 by a plain loop over the rows in order: the reference summation.</summary>
    internal static double[] PlainSums(LloydRows rows, int k, int[] labels)
    {
        int d = rows.Dimension;
        var sums = new double[k * d];
        rows.ForEach(rows.BlockRows, (start, count, xs, _) =>
        {
            for (int i = 0; i < count; i++)
            {
                int j = labels[start + i];
                for (int t = 0; t < d; t++) sums[j * d + t] += xs[i * d + t];
            }
        });
        return sums;
    }

    /// <summary>Rows per block of inertia; fixed, so the sum does not depend on the thread count.</summary>
    private const int InertiaBlockRows = 4096;

    /// <summary>
    /// Σ_n ‖x_n − μ_label(n)‖² in double by direct subtraction (no cancellation), vectorised, in
    /// parallel over fixed blocks of rows whose totals are added in block order.
    /// </summary>
    public static double Inertia(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> centres, ReadOnlySpan<int> labels)
    {
        double total = 0;
        AddInertia(x, d, centres, labels, ref total);
        return total;
    }

    /// <summary>The same over a row source; streamed blocks are multiples of the inertia block, so the total is the in-memory one.</summary>
    public static double Inertia(LloydRows rows, float[] centres, int[] labels)
    {
        double total = 0;
        rows.ForEach(rows.BlockRows, (start, count, xs, _) => AddInertia(xs, rows.Dimension, centres, labels.AsSpan(start, count), ref total));
        return total;
    }

    /// <summary>Adds the inertia of the rows, block total by block total in order, to <paramref name="total"/>.</summary>
    private static unsafe void AddInertia(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> centres, ReadOnlySpan<int> labels, ref double total)
    {
        int n = labels.Length, blocks = (n + InertiaBlockRows - 1) / InertiaBlockRows;
        if (blocks <= 1) { total += BlockInertia(x, d, centres, labels); return; }
        var totals = new double[blocks];
        fixed (float* px = x, pc = centres)
        fixed (int* pl = labels)
        {
            var (data, mus, labs, xLength, cLength) = ((nint)px, (nint)pc, (nint)pl, x.Length, centres.Length);
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, b =>
            {
                int from = b * InertiaBlockRows, rows = Math.Min(InertiaBlockRows, n - from);
                totals[b] = BlockInertia(new ReadOnlySpan<float>((float*)data, xLength).Slice(from * d, rows * d), d,
                    new ReadOnlySpan<float>((float*)mus, cLength), new ReadOnlySpan<int>((int*)labs + from, rows));
            });
        }
        foreach (double t in totals) total += t;
    }

    private static double BlockInertia(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> centres, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
            total += SquaredDistances.BetweenSimd(x.Slice(i * d, d), centres.Slice(labels[i] * d, d));
        return total;
    }
}
