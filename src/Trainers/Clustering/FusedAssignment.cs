using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The assignment step of Lloyd (nearest centre of every row, its squared distance, and the
/// per-cluster sums of the rows) in one pass over the data, the way scikit-learn's Lloyd loop is
/// organised: the rows are cut into a fixed number of contiguous partitions, workers take whole
/// partitions, and within a partition chunks of <see cref="ChunkRows"/> rows are searched with
/// <see cref="NearestCentreKernel"/> against blocks of packed centres that stay in L2, then added
/// into that partition's own float64 sums while they are still in cache. The partition sums are
/// merged in partition order at the end. The number of partitions depends only on n, k and d, so
/// labels, distances and sums are the same for any thread count and any scheduling.
/// </summary>
internal sealed unsafe class FusedAssignment
{
    /// <summary>Rows searched together before their sums are taken (they stay in L2 across centre blocks).</summary>
    public const int ChunkRows = 128;

    /// <summary>Packed centres per block, in bytes: a block is re-read by every 8-row strip of a chunk, so it should sit in L2.</summary>
    public const int CentreBlockBytes = 384 * 1024;

    /// <summary>At most this many partitions (enough for even load on a few cores when one is disturbed).</summary>
    public const int MaxPartitions = 8;

    /// <summary>At least this many partitions when the rows allow, whatever the memory their sums take.</summary>
    public const int MinPartitions = 4;

    /// <summary>Rows per partition at least.</summary>
    public const int MinPartitionRows = 512;

    /// <summary>
    /// Memory for all partition sums together above which fewer partitions are used (down to
    /// <see cref="MinPartitions"/>): every partition's k × d float64 sums are cleared and merged
    /// once per pass, and rows are added at random places in them, so past the caches more
    /// partitions cost more than they balance (measured at k = 1000, d = 768: 8 partitions of 6 MB
    /// cost ≈ 60 ms per pass, 2–4 partitions 30–50 ms).
    /// </summary>
    public const long PartialBytesBudget = 32L << 20;

    private readonly int _n, _k, _d;
    private double[][]? _partials;

    /// <summary>Prepares for n rows, k centres, width d (partition buffers are allocated on first use and reused).</summary>
    public FusedAssignment(int n, int k, int d)
    {
        (_n, _k, _d) = (n, k, d);
        Partitions = PartitionCount(n, k, d);
    }

    /// <summary>Number of row partitions (a function of n, k and d only).</summary>
    public int Partitions { get; }

    /// <summary>
    /// min(n / 512, clamp(32 MiB / (k·d·8 bytes), 4, 8)), at least 1: enough partitions to balance
    /// a few workers, each with at least 512 rows to amortise its sums, and as few as 4 when the sums
    /// are large. A function of the sizes only, never of the thread count; it also caps the workers
    /// of one pass at 8 (as few as 4 when the sums are large), which suits the few-core machines this targets.
    /// </summary>
    public static int PartitionCount(int n, int k, int d)
    {
        long bytesPerPartial = Math.Max(1L, (long)k * d * sizeof(double));
        long byMemory = Math.Clamp(PartialBytesBudget / bytesPerPartial, MinPartitions, MaxPartitions);
        return (int)Math.Max(1, Math.Min(n / MinPartitionRows, byMemory));
    }

    /// <summary>
    /// labels[i] = the nearest centre (ties to the lower index), minDist[i] = max(0, ‖x_i‖² + ‖μ‖² − 2·x_i·μ)
    /// for it, and, when <paramref name="sums"/> is given, sums[label(i)] += x_i (float64).
    /// </summary>
    public void Assign(float[] x, float[] xNorms, float[] centres, int[] labels, float[] minDist, double[]? sums)
        => Assign(new InMemoryRows(x, xNorms, _n, _d), centres, labels, minDist, sums);

    /// <summary>
    /// The same over a row source: each partition is read and searched in its own row order, in steps
    /// of about <see cref="LloydRows.BlockRows"/> / partitions rows (all of it at once in memory), so
    /// partitions still run side by side when the data is streamed, and the sums do not depend on the steps.
    /// </summary>
    public void Assign(LloydRows source, float[] centres, int[] labels, float[] minDist, double[]? sums)
    {
        int n = _n, k = _k, d = _d, parts = Partitions;
        if (source.Count != n || source.Dimension != d) throw new ArgumentException($"The rows are {source.Count} × {source.Dimension}, expected {n} × {d}.", nameof(source));
        if (sums is not null) _partials ??= Enumerable.Range(0, parts).Select(_ => new double[(long)k * d]).ToArray();
        using var packed = new PackedCentres(centres, k, d);
        int stripsPerBlock = Math.Max(1, CentreBlockBytes / (PackedCentres.WideStrip * d * sizeof(float)));
        int step = source.BlockRows >= n ? n : Math.Max(ChunkRows, source.BlockRows / parts);
        fixed (float* pm = minDist)
        fixed (int* pl = labels)
        {
            var (mins, labs) = ((nint)pm, (nint)pl);
            var partials = sums is null ? null : _partials;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, part =>
            {
                int from = (int)((long)n * part / parts), to = (int)((long)n * (part + 1) / parts);
                var partial = partials?[part];
                if (partial is not null) Array.Clear(partial);
                var buffer = new RowBuffer();
                for (int s = from; s < to; s += step)
                {
                    int rows = Math.Min(step, to - s);
                    var (xs, ns) = source.Read(s, rows, buffer);
                    using var hx = xs.Pin();
                    using var hn = ns.Pin();
                    Partition((float*)hx.Pointer, (float*)hn.Pointer, 0, rows, d, packed, stripsPerBlock, ChunkRows,
                        (int*)labs + s, (float*)mins + s, partial);
                }
            });
        }
        if (sums is not null) Merge(_partials!, sums);
    }

    private static void Partition(float* x, float* xNorms, int from, int to, int d, PackedCentres packed, int stripsPerBlock, int chunkRows,
        int* labels, float* minDist, double[]? partial)
    {
        int padded = (chunkRows + NearestCentreKernel.Rows - 1) / NearestCentreKernel.Rows * NearestCentreKernel.Rows;
        float* best = stackalloc float[padded];
        int* index = stackalloc int[padded];
        float* scratch = stackalloc float[NearestCentreKernel.Rows * PackedCentres.WideStrip];
        for (int c0 = from; c0 < to; c0 += chunkRows)
        {
            int rows = Math.Min(chunkRows, to - c0);
            for (int i = 0; i < padded; i++) { best[i] = float.PositiveInfinity; index[i] = 0; }
            float* chunk = x + (long)c0 * d;
            for (int s0 = 0; s0 < packed.Strips; s0 += stripsPerBlock)
            {
                int s1 = Math.Min(packed.Strips, s0 + stripsPerBlock);
                for (int r = 0; r < rows; r += NearestCentreKernel.Rows)
                {
                    int valid = Math.Min(NearestCentreKernel.Rows, rows - r);
                    for (int s = s0; s < s1; s++)
                        NearestCentreKernel.Run(chunk + (long)r * d, d, valid, packed, s, best + r, index + r, scratch);
                }
            }
            for (int i = 0; i < rows; i++)
            {
                labels[c0 + i] = index[i];
                minDist[c0 + i] = Math.Max(0f, xNorms[c0 + i] + best[i]);
            }
            if (partial is not null)
                fixed (double* ps = partial)
                    for (int i = 0; i < rows; i++) AddRow(chunk + (long)i * d, ps + (long)index[i] * d, d);
        }
    }

    /// <summary>sum[t] += row[t] for t &lt; d, widening to double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddRow(float* row, double* sum, int d)
    {
        int t = 0;
        for (; t + Vector512<float>.Count <= d; t += Vector512<float>.Count)
        {
            var (lo, hi) = Vector512.Widen(Vector512.Load(row + t));
            Vector512.Store(Vector512.Load(sum + t) + lo, sum + t);
            Vector512.Store(Vector512.Load(sum + t + 8) + hi, sum + t + 8);
        }
        for (; t < d; t++) sum[t] += row[t];
    }

    /// <summary>sums[t] += partials[0][t], then += partials[1][t], … (always in partition order), in parallel over pieces of t.</summary>
    private static void Merge(double[][] partials, double[] sums)
    {
        const int Piece = 2048; // doubles: the piece of sums stays in L1 while every partition is added
        int pieces = (sums.Length + Piece - 1) / Piece;
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, q =>
        {
            int t0 = q * Piece, len = Math.Min(Piece, sums.Length - t0);
            var target = sums.AsSpan(t0, len);
            foreach (var p in partials) TensorPrimitives.Add(target, p.AsSpan(t0, len), target);
        });
    }
}
