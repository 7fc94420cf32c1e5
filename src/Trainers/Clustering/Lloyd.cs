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
/// tested against.
/// </summary>
internal static class Lloyd
{
    /// <summary>Rows per SGEMM block when assigning on the blocked path.</summary>
    public const int BlockRows = 2048;

    /// <summary>Runs Lloyd from <paramref name="initial"/> (k × d, not modified).</summary>
    public static ClusteringResult Run(ReadOnlySpan<float> x, ReadOnlySpan<float> xNorms, int n, int d, float[] initial, int k,
        int maxIter, double tolerance, bool spherical, LloydPath path = LloydPath.Auto)
    {
        path = Resolve(path);
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
            Assign(x, xNorms, n, d, centres, k, labels, minDist, path, sums, fused);
            var next = Update(x, n, d, k, labels, minDist, centres, spherical, sums);
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
        if (!strict) Assign(x, xNorms, n, d, centres, k, labels, minDist, path, null, fused);
        return new ClusteringResult(centres, k, d, labels, Inertia(x, d, centres, labels), iterations, converged);
    }

    /// <summary>The path <see cref="LloydPath.Auto"/> stands for on this machine and backend.</summary>
    public static LloydPath Resolve(LloydPath path) => path != LloydPath.Auto ? path
        : NearestCentreKernel.IsAccelerated && ComputeSettings.Backend is ComputeBackendKind.Auto or ComputeBackendKind.Managed
            ? LloydPath.Fused : LloydPath.Blocked;

    /// <summary>
    /// Nearest centre of every row (ties to the lower index) and its squared distance; when
    /// <paramref name="sums"/> is given, also adds every row into its cluster's float64 sum.
    /// </summary>
    public static void Assign(ReadOnlySpan<float> x, ReadOnlySpan<float> xNorms, int n, int d, float[] centres, int k,
        Span<int> labels, Span<float> minDist, LloydPath path = LloydPath.Auto, double[]? sums = null)
        => Assign(x, xNorms, n, d, centres, k, labels, minDist, Resolve(path), sums, null);

    private static void Assign(ReadOnlySpan<float> x, ReadOnlySpan<float> xNorms, int n, int d, float[] centres, int k,
        Span<int> labels, Span<float> minDist, LloydPath path, double[]? sums, FusedAssignment? fused)
    {
        if (path == LloydPath.Fused)
        {
            (fused ?? new FusedAssignment(n, k, d)).Assign(x, xNorms, centres, labels, minDist, sums);
            return;
        }
        bool useReference = path == LloydPath.Reference;
        var cNorms = SquaredDistances.RowNorms(centres, k, d);
        int block = Math.Min(BlockRows, n);
        var dist = new float[block * k];
        for (int start = 0; start < n; start += block)
        {
            int rows = Math.Min(block, n - start);
            var xs = x.Slice(start * d, rows * d);
            if (useReference)
            {
                SquaredDistances.Reference(xs, rows, centres, k, d, dist);
                for (int i = 0; i < rows; i++)
                {
                    var row = dist.AsSpan(i * k, k);
                    int best = 0;
                    for (int j = 1; j < k; j++) if (row[j] < row[best]) best = j;
                    labels[start + i] = best;
                    minDist[start + i] = row[best];
                }
                if (sums is not null) AddBlockToSums(xs, rows, d, labels.Slice(start, rows), sums);
                continue;
            }
            // ‖x‖² is the same for every centre of a row, so the nearest centre minimises ‖μ‖² − 2·x·μ:
            // one SGEMM for the block, then a SIMD multiply-add and arg-min per row (rows split over threads).
            Compute.Gemm.MatMulTransB(xs, centres, dist.AsSpan(0, rows * k), rows, d, k);
            ArgMinRows(dist, rows, k, cNorms, xNorms.Slice(start, rows), labels.Slice(start, rows), minDist.Slice(start, rows));
            // Summing the block into the centre sums now, while its rows are still in cache, saves a
            // second pass over all of x (sklearn's Lloyd fuses the two the same way).
            if (sums is not null) AddBlockToSums(xs, rows, d, labels.Slice(start, rows), sums);
        }
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
    /// count; it equals <see cref="ClusterSums"/> bit for bit.
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

    public static float[] Update(ReadOnlySpan<float> x, int n, int d, int k, int[] labels, ReadOnlySpan<float> minDist,
        float[] oldCentres, bool spherical, double[]? precomputedSums = null)
    {
        double[] sums;
        long[] counts;
        if (precomputedSums is null) (sums, counts) = ClusterSums(x, n, d, k, labels);
        else
        {
            sums = precomputedSums;
            counts = new long[k];
            foreach (int l in labels.AsSpan(0, n)) counts[l]++;
        }
        var empty = new List<int>();
        for (int j = 0; j < k; j++) if (counts[j] == 0) empty.Add(j);
        if (empty.Count > 0)
        {
            // The farthest rows first; ties broken by row index so runs repeat exactly.
            var order = Enumerable.Range(0, n).ToArray();
            var keys = minDist.ToArray();
            Array.Sort(order, (a, b) => keys[b] != keys[a] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
            for (int e = 0; e < empty.Count; e++)
            {
                int row = order[e], j = empty[e], from = labels[row];
                var r = x.Slice(row * d, d);
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
    /// Per-cluster sums of the rows (double) and counts. Rows are grouped by label with a counting
    /// sort and each cluster is summed in row order on its own thread, so the result does not
    /// depend on the number of threads.
    /// </summary>
    internal static (double[] Sums, long[] Counts) ClusterSums(ReadOnlySpan<float> x, int n, int d, int k, int[] labels)
    {
        var counts = new long[k];
        foreach (int l in labels.AsSpan(0, n)) counts[l]++;
        var offsets = new int[k + 1];
        for (int j = 0; j < k; j++) offsets[j + 1] = offsets[j] + (int)counts[j];
        var next = offsets[..k];
        var order = new int[n];
        for (int i = 0; i < n; i++) order[next[labels[i]]++] = i;
        var sums = new double[k * d];
        unsafe
        {
            fixed (float* px = x)
            {
                var data = (IntPtr)px;
                Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, j =>
                {
                    var rows = new ReadOnlySpan<float>((float*)data, n * d);
                    var s = sums.AsSpan(j * d, d);
                    for (int p = offsets[j]; p < offsets[j + 1]; p++)
                        SampleSums.AddColumnSums(rows.Slice(order[p] * d, d), 1, d, s);
                });
            }
        }
        return (sums, counts);
    }

    /// <summary>Rows per block of <see cref="Inertia"/>; fixed, so the sum does not depend on the thread count.</summary>
    private const int InertiaBlockRows = 4096;

    /// <summary>
    /// Σ_n ‖x_n − μ_label(n)‖² in double by direct subtraction (no cancellation), vectorised, in
    /// parallel over fixed blocks of rows whose totals are added in block order.
    /// </summary>
    public static unsafe double Inertia(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> centres, ReadOnlySpan<int> labels)
    {
        int n = labels.Length, blocks = (n + InertiaBlockRows - 1) / InertiaBlockRows;
        if (blocks <= 1) return BlockInertia(x, d, centres, labels);
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
        double total = 0;
        foreach (double t in totals) total += t;
        return total;
    }

    private static double BlockInertia(ReadOnlySpan<float> x, int d, ReadOnlySpan<float> centres, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
            total += SquaredDistances.BetweenSimd(x.Slice(i * d, d), centres.Slice(labels[i] * d, d));
        return total;
    }
}
