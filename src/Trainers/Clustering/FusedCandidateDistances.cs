using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// k-means++ candidate distances in one pass over the rows per step, nothing but the n × count
/// distances (when kept) written: each row is read once and its dot products with the few candidates
/// are accumulated in AVX-512 registers along the dimension (4 rows × 2 candidates at a time, eight
/// independent accumulators, while the rows are in L1), then turned into
/// ‖x‖² + ‖c‖² − 2·x·c (clamped at 0, the expression of <see cref="SquaredDistances.Gemm"/>) and added,
/// as min(closest, ·), into per-chunk float64 potentials. Chunks are fixed runs of
/// <see cref="ChunkRows"/> rows taken by the workers in any order; their potentials are added in chunk
/// order, so the result does not depend on the thread count. Each (row, candidate) product is summed in
/// the same order whatever the other candidates and wherever the row sits in memory, so a streamed source
/// gives the in-memory distances and <see cref="Fold"/> recomputes exactly what <see cref="Score"/> saw.
/// It replaces an SGEMM with only 2 + ⌊ln k⌋ columns, which runs memory-bound and synchronises its
/// threads once per block (<see cref="GemmCandidateDistances"/>, kept as the reference).
/// </summary>
internal sealed unsafe class FusedCandidateDistances(LloydRows rows) : CandidateDistances(rows)
{
    /// <summary>Rows per chunk: the unit of work and of the fixed-order float64 potentials.</summary>
    public const int ChunkRows = 1024;

    private double[] _partials = [];

    /// <inheritdoc />
    public override void Score(float[] candidates, float[] norms, int count, float[] closest, float[]? all, double[] potentials)
    {
        int chunks = Chunks;
        if (_partials.Length < chunks * count) _partials = new double[chunks * count];
        var partials = _partials;
        Pass(chunks, (start, rowCount, x, xNorms) =>
        {
            fixed (float* pc = candidates, pn = norms, pk = closest, pa = all)
            fixed (double* pp = partials)
                ScoreChunk(x, xNorms, rowCount, Rows.Dimension, pc, pn, count, pk + start,
                    pa is null ? null : pa + (long)start * count, pp + (long)start / ChunkRows * count);
        });
        Array.Clear(potentials, 0, count);
        for (int c = 0; c < chunks; c++)
            for (int t = 0; t < count; t++) potentials[t] += partials[c * count + t];
    }

    /// <inheritdoc />
    public override void Fold(float[] candidates, float[] norms, int count, int best, float[] closest)
    {
        Pass(Chunks, (start, rowCount, x, xNorms) =>
        {
            fixed (float* pc = candidates, pk = closest)
                FoldChunk(x, xNorms, rowCount, Rows.Dimension, pc + (long)best * Rows.Dimension, norms[best], pk + start);
        });
    }

    // The chunk loops are compiled fully optimised from the first call (as NearestCentreKernel): at tier 0
    // nothing is inlined and the vector accumulators live in memory, and a pass is only ~50 calls.

    /// <summary>The rows of one chunk against every candidate: distances (into <paramref name="all"/> when not null) and the chunk's potentials.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreChunk(float* x, float* xNorms, int rows, int d, float* candidates, float* norms, int count,
        float* closest, float* all, double* potentials)
    {
        float* dots = stackalloc float[KernelRows * 2];
        for (int t = 0; t < count; t++) potentials[t] = 0;
        for (int i0 = 0; i0 < rows; i0 += KernelRows)
        {
            int valid = Math.Min(KernelRows, rows - i0);
            float* block = x + (long)i0 * d;
            for (int t = 0; t < count; t += 2)
            {
                int pair = Math.Min(2, count - t);
                float* c = candidates + (long)t * d;
                if (pair == 2) Dots4x2(block, d, valid, c, c + d, dots);
                else Dots4x1(block, d, valid, c, dots);
                for (int r = 0; r < valid; r++)
                {
                    int i = i0 + r;
                    float near = closest[i];
                    for (int u = 0; u < pair; u++)
                    {
                        float dist = Distance(xNorms[i], norms[t + u], dots[r * 2 + u]);
                        if (all is not null) all[(long)i * count + t + u] = dist;
                        potentials[t + u] += Math.Min(near, dist);
                    }
                }
            }
        }
    }

    /// <summary>closest[i] = min(closest[i], distance to the candidate) for the rows of one chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldChunk(float* x, float* xNorms, int rows, int d, float* candidate, float norm, float* closest)
    {
        float* dots = stackalloc float[KernelRows * 2];
        for (int i0 = 0; i0 < rows; i0 += KernelRows)
        {
            int valid = Math.Min(KernelRows, rows - i0);
            Dots4x1(x + (long)i0 * d, d, valid, candidate, dots);
            for (int r = 0; r < valid; r++)
                closest[i0 + r] = Math.Min(closest[i0 + r], Distance(xNorms[i0 + r], norm, dots[r * 2]));
        }
    }

    /// <summary>Rows per kernel call.</summary>
    private const int KernelRows = 4;

    /// <summary>max(0, (‖x‖² + ‖c‖²) − 2·x·c), the expression of <see cref="SquaredDistances.Gemm"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Distance(float xNorm, float cNorm, float dot)
    {
        float v = xNorm + cNorm - 2f * dot;
        return v > 0f ? v : 0f;
    }

    /// <summary>max(0, (‖x‖² + ‖c‖²) − 2·x·c) with x·c from <see cref="Dot"/>: what the kernels compute for one pair.</summary>
    internal static float Distance(float* x, float xNorm, float* c, float cNorm, int d) => Distance(xNorm, cNorm, Dot(x, c, d));

    // Every product x·c below is summed in one order, whatever the kernel: one AVX-512 accumulator over
    // the steps of 16 values in increasing order, a fixed horizontal sum, then the last d mod 16 terms one
    // by one. The kernels get their independent chains from several (row, candidate) pairs at once, not by
    // splitting a pair's sum, so a distance never depends on which kernel or which other candidates computed it.

    /// <summary>x·c in that order (the definition the kernels follow; tests compare it with double precision).</summary>
    internal static float Dot(float* x, float* c, int d)
    {
        var a = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= d; p += 16) a = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(c + p), a);
        return Tail(x, c, d, p, Vector512.Sum(a));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float* x, float* c, int d, int p, float s)
    {
        for (; p < d; p++) s = MathF.FusedMultiplyAdd(x[p], c[p], s);
        return s;
    }

    /// <summary>
    /// dots[r·2 + u] = x_r·c_u for 4 rows (x, x + d, …; rows past <paramref name="valid"/> repeat the last valid
    /// row) and 2 candidates: 8 independent accumulators, 6 loads per 8 multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots4x2(float* x, int d, int valid, float* c0, float* c1, float* dots)
    {
        float* r0 = x;
        float* r1 = x + (long)Math.Min(1, valid - 1) * d;
        float* r2 = x + (long)Math.Min(2, valid - 1) * d;
        float* r3 = x + (long)Math.Min(3, valid - 1) * d;
        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        int p = 0;
        for (; p + 16 <= d; p += 16)
        {
            var b0 = Vector512.Load(c0 + p);
            var b1 = Vector512.Load(c1 + p);
            var x0 = Vector512.Load(r0 + p);
            a00 = Vector512.FusedMultiplyAdd(x0, b0, a00);
            a01 = Vector512.FusedMultiplyAdd(x0, b1, a01);
            var x1 = Vector512.Load(r1 + p);
            a10 = Vector512.FusedMultiplyAdd(x1, b0, a10);
            a11 = Vector512.FusedMultiplyAdd(x1, b1, a11);
            var x2 = Vector512.Load(r2 + p);
            a20 = Vector512.FusedMultiplyAdd(x2, b0, a20);
            a21 = Vector512.FusedMultiplyAdd(x2, b1, a21);
            var x3 = Vector512.Load(r3 + p);
            a30 = Vector512.FusedMultiplyAdd(x3, b0, a30);
            a31 = Vector512.FusedMultiplyAdd(x3, b1, a31);
        }
        dots[0] = Tail(r0, c0, d, p, Vector512.Sum(a00));
        dots[1] = Tail(r0, c1, d, p, Vector512.Sum(a01));
        dots[2] = Tail(r1, c0, d, p, Vector512.Sum(a10));
        dots[3] = Tail(r1, c1, d, p, Vector512.Sum(a11));
        dots[4] = Tail(r2, c0, d, p, Vector512.Sum(a20));
        dots[5] = Tail(r2, c1, d, p, Vector512.Sum(a21));
        dots[6] = Tail(r3, c0, d, p, Vector512.Sum(a30));
        dots[7] = Tail(r3, c1, d, p, Vector512.Sum(a31));
    }

    /// <summary>dots[r·2] = x_r·c for 4 rows and 1 candidate (the odd candidate, and the second pass of a step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots4x1(float* x, int d, int valid, float* c, float* dots)
    {
        float* r0 = x;
        float* r1 = x + (long)Math.Min(1, valid - 1) * d;
        float* r2 = x + (long)Math.Min(2, valid - 1) * d;
        float* r3 = x + (long)Math.Min(3, valid - 1) * d;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int p = 0;
        for (; p + 16 <= d; p += 16)
        {
            var b = Vector512.Load(c + p);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + p), b, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + p), b, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + p), b, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + p), b, a3);
        }
        dots[0] = Tail(r0, c, d, p, Vector512.Sum(a0));
        dots[2] = Tail(r1, c, d, p, Vector512.Sum(a1));
        dots[4] = Tail(r2, c, d, p, Vector512.Sum(a2));
        dots[6] = Tail(r3, c, d, p, Vector512.Sum(a3));
    }

    private int Chunks => (Rows.Count + ChunkRows - 1) / ChunkRows;

    private delegate void ChunkAction(int start, int rows, float* x, float* xNorms);

    /// <summary>Runs <paramref name="action"/> on every chunk, in parallel, each with its rows pinned.</summary>
    private void Pass(int chunks, ChunkAction action)
    {
        var source = Rows;
        int n = source.Count;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, () => new RowBuffer(), (c, _, buffer) =>
        {
            int start = c * ChunkRows, count = Math.Min(ChunkRows, n - start);
            var (xs, ns) = source.Read(start, count, buffer);
            using var hx = xs.Pin();
            using var hn = ns.Pin();
            action(start, count, (float*)hx.Pointer, (float*)hn.Pointer);
            return buffer;
        }, _ => { });
    }
}
