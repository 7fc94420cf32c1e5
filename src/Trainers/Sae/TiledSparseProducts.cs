using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The three products a sparse code Z (rows×n, CSR) takes part in, computed a column tile of 64
/// floats at a time. Working on a whole row of W per entry streams 3–4 KB from the last-level
/// cache for every entry; with a tile, the 64-column slice of the gathered matrix is packed into a
/// contiguous block (n·256 bytes, within the L2 cache for n up to a few thousand), every row sweeps
/// over it, and the tile of the output row lives in eight vector registers.
///   Decode:      O_b = Σ_e z_e·W_{i(e)}                       (Z·W)
///   SampledDots: g_e = A_{b(e)}·W_{i(e)}                      ((A·Wᵀ) at Z's entries)
///   ColumnAxpy:  O_i += Σ_{e in column i} w_e·A_{b(e)}        (Zᵀ·A with per-entry weights)
/// Each output element is summed by one thread in a fixed order, so results do not depend on the
/// thread count. The <c>…Reference</c> methods are the plain loops the tests compare against.
/// </summary>
internal static class TiledSparseProducts
{
    /// <summary>Columns per tile: 8 × 256-bit vectors.</summary>
    public const int Tile = 64;

    /// <summary>O_b = Σ_e z_e·W_{i(e)} for every row b (O is rows×d, overwritten; W has <paramref name="wRows"/> rows of width d).</summary>
    public static void Decode(SparseCodes z, float[] w, int wRows, int d, float[] output, ParallelOptions parallel)
        => ForEachPackedTile(w, 0, wRows, d, parallel, (t, width, packed) => ForEachChunk(z.Rows, parallel, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                var o = output.AsSpan(b * d + t, width);
                if (width == Tile && Vector256.IsHardwareAccelerated)
                    DecodeTile(z.Index, z.Value, z.RowStart[b], z.RowStart[b + 1], packed, o);
                else
                {
                    o.Clear();
                    for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++)
                        TensorPrimitives.MultiplyAdd(packed.AsSpan(z.Index[e] * Tile, width), z.Value[e], o, o);
                }
            }
        }));

    /// <summary>g_e = A_{b(e)}·W_{i(e)} for every entry e of <paramref name="z"/> (A is rows×d; W has <paramref name="wRows"/> rows).</summary>
    public static void SampledDots(SparseCodes z, float[] a, float[] w, int wRows, int d, float[] g, ParallelOptions parallel)
    {
        g.AsSpan(0, z.Count).Clear();
        ForEachPackedTile(w, 0, wRows, d, parallel, (t, width, packed) => ForEachChunk(z.Rows, parallel, (from, to) =>
        {
            for (int b = from; b < to; b++)
            {
                var ab = a.AsSpan(b * d + t, width);
                if (width == Tile && Vector256.IsHardwareAccelerated)
                    DotTile(z.Index, z.RowStart[b], z.RowStart[b + 1], ab, packed, g);
                else
                    for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++)
                        g[e] += TensorPrimitives.Dot(ab, packed.AsSpan(z.Index[e] * Tile, width));
            }
        }));
    }

    /// <summary>Rows of A packed per tile in <see cref="ColumnAxpy"/> (1024 × 256 bytes = 256 KB, well within L2).</summary>
    public const int RowBlock = 1024;

    /// <summary>
    /// O_i += Σ_{c in column i} weight[Entry[c]]·A_{Row[c]} for every latent i with entries (A has <paramref name="aRows"/> rows of width d, O is n×d);
    /// when <paramref name="weightSums"/> is given, also weightSums[i] += Σ weight (in float64). A is taken a block of
    /// <see cref="RowBlock"/> rows and a tile at a time, so the packed block the columns gather from stays in cache; each
    /// column's entries are in row order, so a block's entries of a column are one contiguous run.
    /// </summary>
    public static void ColumnAxpy(CodeColumns columns, float[] weight, float[] a, int aRows, int d, float[] output, double[]? weightSums, ParallelOptions parallel)
    {
        int n = columns.Latents;
        var first = columns.Start[..n];
        var last = new int[n];
        for (int r0 = 0; r0 < aRows; r0 += RowBlock)
        {
            int r1 = Math.Min(aRows, r0 + RowBlock), blockStart = r0;
            ForEachChunk(n, parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    int c = first[i], end = columns.Start[i + 1];
                    while (c < end && columns.Row[c] < r1) c++;
                    last[i] = c;
                }
            });
            ForEachPackedTile(a, r0, r1, d, parallel, (t, width, packed) => ForEachChunk(n, parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    int start = first[i], end = last[i];
                    if (start == end) continue;
                    var o = output.AsSpan(i * d + t, width);
                    if (width == Tile && Vector256.IsHardwareAccelerated)
                        AxpyTile(columns, start, end, blockStart, weight, packed, o);
                    else
                        for (int c = start; c < end; c++)
                            TensorPrimitives.MultiplyAdd(packed.AsSpan((columns.Row[c] - blockStart) * Tile, width), weight[columns.Entry[c]], o, o);
                }
            }));
            Array.Copy(last, first, n);
        }
        if (weightSums is not null)
            ForEachChunk(n, parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    double s = 0;
                    for (int c = columns.Start[i]; c < columns.Start[i + 1]; c++) s += weight[columns.Entry[c]];
                    weightSums[i] += s;
                }
            });
    }

    /// <summary>
    /// Runs <paramref name="body"/>(t, width, packed) for each 64-column tile of rows [r0, r1) of a row-major
    /// matrix, with that tile copied into a contiguous (r1 − r0)×64 block first. Rows of the matrix lie d
    /// floats apart; with d a multiple of 1024 bytes all tile slices fall into a few cache sets and evict
    /// each other, so the kernels read the packed copy instead.
    /// </summary>
    private static void ForEachPackedTile(float[] source, int r0, int r1, int d, ParallelOptions parallel, Action<int, int, float[]> body)
    {
        var packed = new float[(long)(r1 - r0) * Tile];
        for (int t = 0; t < d; t += Tile)
        {
            int width = Math.Min(Tile, d - t);
            ForEachChunk(r1 - r0, parallel, (from, to) =>
            {
                for (int r = from; r < to; r++) source.AsSpan((r0 + r) * d + t, width).CopyTo(packed.AsSpan(r * Tile, width));
            });
            body(t, width, packed);
        }
    }

    /// <summary>Plain <see cref="Decode"/>: one whole-row multiply-add per entry, in float64.</summary>
    public static void DecodeReference(SparseCodes z, float[] w, int d, float[] output)
    {
        for (int b = 0; b < z.Rows; b++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++) s += (double)z.Value[e] * w[z.Index[e] * d + j];
                output[b * d + j] = (float)s;
            }
    }

    /// <summary>Plain <see cref="SampledDots"/>, in float64.</summary>
    public static void SampledDotsReference(SparseCodes z, float[] a, float[] w, int d, float[] g)
    {
        for (int b = 0; b < z.Rows; b++)
            for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (double)a[b * d + j] * w[z.Index[e] * d + j];
                g[e] = (float)s;
            }
    }

    /// <summary>Plain <see cref="ColumnAxpy"/> straight from the row-wise codes (no column index), in float64.</summary>
    public static void ColumnAxpyReference(SparseCodes z, float[] weight, float[] a, int d, float[] output, double[]? weightSums)
    {
        int n = output.Length / d;
        var acc = new double[n * d];
        for (int b = 0; b < z.Rows; b++)
            for (int e = z.RowStart[b]; e < z.RowStart[b + 1]; e++)
            {
                int i = z.Index[e];
                for (int j = 0; j < d; j++) acc[i * d + j] += (double)weight[e] * a[b * d + j];
                if (weightSums is not null) weightSums[i] += weight[e];
            }
        for (int q = 0; q < acc.Length; q++) output[q] += (float)acc[q];
    }

    /// <summary>Splits [0, count) into contiguous chunks, a few per thread, run in parallel.</summary>
    private static void ForEachChunk(int count, ParallelOptions parallel, Action<int, int> body)
    {
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int chunks = Math.Max(1, Math.Min(count, threads * 4));
        Parallel.For(0, chunks, parallel, c => body((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: a step calls it only a few times, tiering would run it unoptimised
    private static void DecodeTile(int[] index, float[] value, int from, int to, float[] packed, Span<float> o)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        ref float wr = ref MemoryMarshal.GetArrayDataReference(packed);
        for (int e = from; e < to; e++)
        {
            var v = Vector256.Create(value[e]);
            ref float row = ref Unsafe.Add(ref wr, index[e] * Tile);
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 0), v, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 8), v, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 16), v, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 24), v, s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 32), v, s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 40), v, s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 48), v, s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 56), v, s7);
        }
        ref float dst = ref MemoryMarshal.GetReference(o);
        s0.StoreUnsafe(ref dst, 0); s1.StoreUnsafe(ref dst, 8); s2.StoreUnsafe(ref dst, 16); s3.StoreUnsafe(ref dst, 24);
        s4.StoreUnsafe(ref dst, 32); s5.StoreUnsafe(ref dst, 40); s6.StoreUnsafe(ref dst, 48); s7.StoreUnsafe(ref dst, 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: a step calls it only a few times, tiering would run it unoptimised
    private static void DotTile(int[] index, int from, int to, ReadOnlySpan<float> ab, float[] packed, float[] g)
    {
        ref float ar = ref MemoryMarshal.GetReference(ab);
        var a0 = Vector256.LoadUnsafe(ref ar, 0); var a1 = Vector256.LoadUnsafe(ref ar, 8);
        var a2 = Vector256.LoadUnsafe(ref ar, 16); var a3 = Vector256.LoadUnsafe(ref ar, 24);
        var a4 = Vector256.LoadUnsafe(ref ar, 32); var a5 = Vector256.LoadUnsafe(ref ar, 40);
        var a6 = Vector256.LoadUnsafe(ref ar, 48); var a7 = Vector256.LoadUnsafe(ref ar, 56);
        ref float wr = ref MemoryMarshal.GetArrayDataReference(packed);
        for (int e = from; e < to; e++)
        {
            ref float row = ref Unsafe.Add(ref wr, index[e] * Tile);
            var p = a0 * Vector256.LoadUnsafe(ref row, 0);
            var q = a1 * Vector256.LoadUnsafe(ref row, 8);
            p = Vector256.FusedMultiplyAdd(a2, Vector256.LoadUnsafe(ref row, 16), p);
            q = Vector256.FusedMultiplyAdd(a3, Vector256.LoadUnsafe(ref row, 24), q);
            p = Vector256.FusedMultiplyAdd(a4, Vector256.LoadUnsafe(ref row, 32), p);
            q = Vector256.FusedMultiplyAdd(a5, Vector256.LoadUnsafe(ref row, 40), q);
            p = Vector256.FusedMultiplyAdd(a6, Vector256.LoadUnsafe(ref row, 48), p);
            q = Vector256.FusedMultiplyAdd(a7, Vector256.LoadUnsafe(ref row, 56), q);
            g[e] += Vector256.Sum(p + q);
        }
    }

    // The same register tile as DecodeTile, gathering by sample and adding onto the output. Merging the two into one
    // kernel with an optional weight index measured 1.5–2× slower for this one (sae-kernels, 2026-11-22), so they stay apart.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call: a step calls it only a few times, tiering would run it unoptimised
    private static void AxpyTile(CodeColumns columns, int from, int to, int rowOffset, float[] weight, float[] packed, Span<float> o)
    {
        ref float dst = ref MemoryMarshal.GetReference(o);
        var s0 = Vector256.LoadUnsafe(ref dst, 0); var s1 = Vector256.LoadUnsafe(ref dst, 8);
        var s2 = Vector256.LoadUnsafe(ref dst, 16); var s3 = Vector256.LoadUnsafe(ref dst, 24);
        var s4 = Vector256.LoadUnsafe(ref dst, 32); var s5 = Vector256.LoadUnsafe(ref dst, 40);
        var s6 = Vector256.LoadUnsafe(ref dst, 48); var s7 = Vector256.LoadUnsafe(ref dst, 56);
        ref float ar = ref MemoryMarshal.GetArrayDataReference(packed);
        for (int c = from; c < to; c++)
        {
            var v = Vector256.Create(weight[columns.Entry[c]]);
            ref float row = ref Unsafe.Add(ref ar, (columns.Row[c] - rowOffset) * Tile);
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 0), v, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 8), v, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 16), v, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 24), v, s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 32), v, s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 40), v, s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 48), v, s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 56), v, s7);
        }
        s0.StoreUnsafe(ref dst, 0); s1.StoreUnsafe(ref dst, 8); s2.StoreUnsafe(ref dst, 16); s3.StoreUnsafe(ref dst, 24);
        s4.StoreUnsafe(ref dst, 32); s5.StoreUnsafe(ref dst, 40); s6.StoreUnsafe(ref dst, 48); s7.StoreUnsafe(ref dst, 56);
    }
}
