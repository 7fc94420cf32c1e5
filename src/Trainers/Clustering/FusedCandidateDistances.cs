using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    // The centre each row's closest distance belongs to, and ‖c_t − μ_j‖² / 4 for the step's candidates.
    private readonly int[] _labels = new int[rows.Count];
    private double[] _bounds = [];
    private int _boundsChosen = -1;

    /// <inheritdoc />
    public override void Score(float[] centres, int chosen, float[] candidates, float[] norms, int count,
        float[] closest, float[]? all, double[] potentials)
    {
        Bounds(centres, chosen, candidates, count);
        int chunks = Chunks;
        if (_partials.Length < chunks * count) _partials = new double[chunks * count];
        var (partials, bounds, labels) = (_partials, _bounds, _labels);
        Pass(chunks, (start, rowCount, x, xNorms) =>
        {
            fixed (float* pc = candidates, pn = norms, pk = closest, pa = all)
            fixed (double* pp = partials, pb = bounds)
            fixed (int* pl = labels)
                ScoreChunk(x, xNorms, rowCount, Rows.Dimension, pc, pn, count, pk + start, pl + start, pb, chosen,
                    pa is null ? null : pa + (long)start * count, pp + (long)start / ChunkRows * count);
        });
        Array.Clear(potentials, 0, count);
        for (int c = 0; c < chunks; c++)
            for (int t = 0; t < count; t++) potentials[t] += partials[c * count + t];
    }

    /// <inheritdoc />
    public override void Fold(float[] centres, int chosen, float[] candidates, float[] norms, int count, int best,
        float[] closest, float[]? all)
    {
        var labels = _labels;
        if (all is not null)
        {
            for (int i = 0; i < closest.Length; i++)
            {
                float v = all[(long)i * count + best];
                if (v < closest[i]) { closest[i] = v; labels[i] = chosen; }
            }
            return;
        }
        if (chosen > 0 && _boundsChosen != chosen) Bounds(centres, chosen, candidates, count);
        var bounds = _bounds;
        Pass(Chunks, (start, rowCount, x, xNorms) =>
        {
            int d = Rows.Dimension;
            fixed (float* pc = candidates, pk = closest)
            fixed (double* pb = bounds)
            fixed (int* pl = labels)
                FoldChunk(x, xNorms, rowCount, d, pc + (long)best * d, norms[best], pk + start, pl + start,
                    chosen > 0 ? pb + (long)best * chosen : null, chosen);
        });
    }

    /// <summary>bounds[t·chosen + j] = ‖c_t − μ_j‖² / 4 in float64, for the pruning test of <see cref="Skip"/>.</summary>
    private void Bounds(float[] centres, int chosen, float[] candidates, int count)
    {
        int d = Rows.Dimension;
        if (_bounds.Length < count * chosen) _bounds = new double[Math.Max(count * chosen, 2 * _bounds.Length)];
        for (int t = 0; t < count; t++)
            for (int j = 0; j < chosen; j++)
                _bounds[t * chosen + j] = SquaredDistances.BetweenSimd(candidates.AsSpan(t * d, d), centres.AsSpan(j * d, d)) / 4;
        _boundsChosen = chosen;
    }

    /// <summary>
    /// True when row i's distance to a candidate cannot be below its closest distance: with μ the centre that
    /// distance belongs to, ‖c − μ‖ ≥ 2‖x − μ‖ gives ‖x − c‖ ≥ ‖c − μ‖ − ‖x − μ‖ ≥ ‖x − μ‖ (triangle inequality),
    /// so min(closest, ‖x − c‖²) = closest and the product need not be computed. On well-separated data most
    /// rows pass this test for every candidate after the first few centres, and their values are not even read.
    /// The decision depends only on closest, the labels and the centres, never on the chunking or the threads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Skip(double* bounds, int chosen, int t, int label, float closest) => bounds[(long)t * chosen + label] >= closest;

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

    // The chunk loops are compiled fully optimised from the first call (as NearestCentreKernel): at tier 0
    // nothing is inlined and the vector accumulators live in memory, and a pass is only ~50 calls.

    [ThreadStatic]
    private static float[]? t_dots;

    /// <summary>
    /// The rows of one chunk against every candidate: distances (into <paramref name="all"/> when not null; +∞ for
    /// pairs <see cref="Skip"/> rules out) and the chunk's potentials. Only the rows with at least one pair left are
    /// read, 4 at a time through the kernels (by pointer, so they need not be adjacent); each pair's value is its own
    /// product or +∞, whatever its neighbours.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreChunk(float* x, float* xNorms, int rows, int d, float* candidates, float* norms, int count,
        float* closest, int* labels, double* bounds, int chosen, float* all, double* potentials)
    {
        int* list = stackalloc int[rows];
        int m = 0;
        for (int i = 0; i < rows; i++)
        {
            bool needed = chosen == 0;
            for (int t = 0; t < count && !needed; t++) needed = !Skip(bounds, chosen, t, labels[i], closest[i]);
            if (needed) list[m++] = i;
        }
        var scratch = t_dots is { } held && held.Length >= m * count ? held : t_dots = new float[Math.Max(m * count, ChunkRows * 2)];
        float* four = stackalloc float[KernelRows * 2];
        fixed (float* dots = scratch)
        {
            for (int g = 0; g < m; g += KernelRows)
            {
                int valid = Math.Min(KernelRows, m - g);
                float* r0 = x + (long)list[g] * d;
                float* r1 = x + (long)list[g + Math.Min(1, valid - 1)] * d;
                float* r2 = x + (long)list[g + Math.Min(2, valid - 1)] * d;
                float* r3 = x + (long)list[g + Math.Min(3, valid - 1)] * d;
                for (int t = 0; t < count; t += 2)
                {
                    int pair = Math.Min(2, count - t);
                    float* c = candidates + (long)t * d;
                    if (pair == 2) Dots4x2(r0, r1, r2, r3, d, c, c + d, four);
                    else Dots4x1(r0, r1, r2, r3, d, c, four);
                    for (int r = 0; r < valid; r++)
                        for (int u = 0; u < pair; u++) dots[(long)(g + r) * count + t + u] = four[r * 2 + u];
                }
            }
            for (int t = 0; t < count; t++) potentials[t] = 0;
            int q = 0;
            for (int i = 0; i < rows; i++)
            {
                bool listed = q < m && list[q] == i;
                float near = closest[i];
                for (int t = 0; t < count; t++)
                {
                    float dist = listed && (chosen == 0 || !Skip(bounds, chosen, t, labels[i], near))
                        ? Distance(xNorms[i], norms[t], dots[(long)q * count + t]) : float.PositiveInfinity;
                    if (all is not null) all[(long)i * count + t] = dist;
                    potentials[t] += Math.Min(near, dist);
                }
                if (listed) q++;
            }
        }
    }

    /// <summary>
    /// closest[i] = min(closest[i], distance to the candidate) and labels[i] = <paramref name="chosen"/> where it
    /// drops, for the rows of one chunk, computing only the rows <see cref="Skip"/> does not rule out (as
    /// <see cref="ScoreChunk"/> did); <paramref name="bounds"/> is null for the first centre.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldChunk(float* x, float* xNorms, int rows, int d, float* candidate, float norm, float* closest,
        int* labels, double* bounds, int chosen)
    {
        int* list = stackalloc int[rows];
        int m = 0;
        for (int i = 0; i < rows; i++)
            if (bounds is null || !Skip(bounds, chosen, 0, labels[i], closest[i])) list[m++] = i;
        float* four = stackalloc float[KernelRows * 2];
        for (int g = 0; g < m; g += KernelRows)
        {
            int valid = Math.Min(KernelRows, m - g);
            Dots4x1(x + (long)list[g] * d, x + (long)list[g + Math.Min(1, valid - 1)] * d,
                x + (long)list[g + Math.Min(2, valid - 1)] * d, x + (long)list[g + Math.Min(3, valid - 1)] * d, d, candidate, four);
            for (int r = 0; r < valid; r++)
            {
                int i = list[g + r];
                float dist = Distance(xNorms[i], norm, four[r * 2]);
                if (dist < closest[i]) { closest[i] = dist; labels[i] = chosen; }
            }
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
    // the steps of 16 values in increasing order, the fixed horizontal sum of Total, then the last d mod 16
    // terms one by one. The kernels get their independent chains from several (row, candidate) pairs at once, not by
    // splitting a pair's sum, so a distance never depends on which kernel or which other candidates computed it.

    /// <summary>x·c in that order (the definition the kernels follow; tests compare it with double precision).</summary>
    internal static float Dot(float* x, float* c, int d)
    {
        var a = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= d; p += 16) a = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(c + p), a);
        return Tail(x, c, d, p, Total(a));
    }

    /// <summary>
    /// The horizontal sum of one accumulator in the order every kernel uses: s_i = a_i + a_(i+8), then
    /// ((s_0 + s_1) + (s_2 + s_3)) + ((s_4 + s_5) + (s_6 + s_7)).
    /// </summary>
    private static float Total(Vector512<float> a)
    {
        var s = a.GetLower() + a.GetUpper();
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }

    /// <summary>
    /// <see cref="Total"/> of four accumulators at once: three horizontal adds give every lane the same sequence
    /// of additions as <see cref="Total"/> (addition of two values is commutative, so operand order does not matter),
    /// in about 13 instructions instead of 4 × 25 for four separate reductions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Totals(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        if (!Avx.IsSupported) return Vector128.Create(Total(a0), Total(a1), Total(a2), Total(a3));
        var h01 = Avx.HorizontalAdd(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper());
        var h23 = Avx.HorizontalAdd(a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
        var q = Avx.HorizontalAdd(h01, h23);
        return q.GetLower() + q.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float* x, float* c, int d, int p, float s)
    {
        for (; p < d; p++) s = MathF.FusedMultiplyAdd(x[p], c[p], s);
        return s;
    }

    /// <summary>
    /// dots[r·2 + u] = x_r·c_u for 4 rows (by pointer; a caller with fewer repeats the last) and 2 candidates:
    /// 8 independent accumulators, 6 loads per 8 multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots4x2(float* r0, float* r1, float* r2, float* r3, int d, float* c0, float* c1, float* dots)
    {
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
        var t01 = Totals(a00, a01, a10, a11);
        var t23 = Totals(a20, a21, a30, a31);
        dots[0] = Tail(r0, c0, d, p, t01[0]);
        dots[1] = Tail(r0, c1, d, p, t01[1]);
        dots[2] = Tail(r1, c0, d, p, t01[2]);
        dots[3] = Tail(r1, c1, d, p, t01[3]);
        dots[4] = Tail(r2, c0, d, p, t23[0]);
        dots[5] = Tail(r2, c1, d, p, t23[1]);
        dots[6] = Tail(r3, c0, d, p, t23[2]);
        dots[7] = Tail(r3, c1, d, p, t23[3]);
    }

    /// <summary>dots[r·2] = x_r·c for 4 rows and 1 candidate (the odd candidate, and the second pass of a step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots4x1(float* r0, float* r1, float* r2, float* r3, int d, float* c, float* dots)
    {
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
        var t = Totals(a0, a1, a2, a3);
        dots[0] = Tail(r0, c, d, p, t[0]);
        dots[2] = Tail(r1, c, d, p, t[1]);
        dots[4] = Tail(r2, c, d, p, t[2]);
        dots[6] = Tail(r3, c, d, p, t[3]);
    }
}
