using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The products a sparse code Z (rows×m, CSR, or its columns) takes part in, computed a column tile of 64
/// floats at a time. Working on a whole row of W per entry streams 3–4 KB from the last-level cache for
/// every entry; with a tile, the 64-column slice of the gathered matrix is packed into a contiguous block
/// (m·256 bytes, within the L2 cache for m up to a few thousand), every row sweeps over it, and the tile of
/// the output row lives in registers (<see cref="TileKernels"/>).
///   Decode:     O_b = S_b + Σ_e z_e·W_{i(e)}                             (S + Z·W)
///   DecodeResidual: E_b = bias − X_b + Σ_e z_e·W_{i(e)}, with g_e = E_b·W_{i(e)} and Σ‖E_b‖²  (the decoder's forward pass)
///   ColumnAxpy: O_i += Σ_{c in column i} w_c·A_{b(c)}                     (Zᵀ·A with per-entry weights)
///               and, optionally, g_c = A_{b(c)}·V_i from the same loads  ((A·Vᵀ) at Z's entries)
/// W, O and V may be addressed through a row map (row i of the product is row ids[i] of the array), so the
/// dead latents of AuxK are read and updated in place without compacted copies. Each output element is
/// summed by one thread in a fixed order, so results do not depend on the thread count. The <c>…Reference</c>
/// methods are the plain loops the tests compare against. A step lends every product the same pinned <see cref="ReusedBuffer"/>
/// for its packed tiles; without one each product packs into a fresh array.
/// </summary>
internal static class TiledSparseProducts
{
    /// <summary>Columns per tile when decoding.</summary>
    public const int Tile = TileKernels.Tile;

    /// <summary>Columns per tile of the column products.</summary>
    public const int WideTile = TileKernels.WideTile;

    /// <summary>
    /// O_b = S_b + Σ_e z_e·W_{i(e)} for every row b (O is rows×d, overwritten; S is <paramref name="start"/>, or 0 when null).
    /// Latent i of the codes is row <paramref name="wIds"/>[i] of <paramref name="w"/> (row i when null); there are <paramref name="wCount"/> latents.
    /// </summary>
    public static void Decode(SparseCodes z, float[] w, int[]? wIds, int wCount, int d, float[]? start, float[] output, ParallelOptions parallel,
        TileIsa isa = TileIsa.Auto, ReusedBuffer? pack = null)
    {
        isa = TileKernels.Resolve(isa);
        var packed = PackedTiles.Pack(w, wIds, 0, wCount, d, Tile, parallel, pack);
        // One parallel loop over row chunks, tiles inside: a chunk's rows sweep one packed tile while it is in cache, and the
        // threads meet once (every join waits for the slowest thread, which on a shared machine can be far behind).
        ForEachChunk(z.Rows, parallel, (from, to) =>
        {
            for (int t = 0; t < d; t += Tile)
            {
                int width = Math.Min(Tile, d - t);
                ref float tile = ref packed.TileStart(t / Tile);
                for (int b = from; b < to; b++)
                {
                    var o = output.AsSpan(b * d + t, width);
                    int e0 = z.RowStart[b], e1 = z.RowStart[b + 1];
                    ref float s = ref start is null ? ref MemoryMarshal.GetReference(o) : ref start[b * d + t];
                    if (width == Tile && isa == TileIsa.Vector512)
                        TileKernels.Decode512(z.Index, z.Value, e0, e1, ref tile, ref s, start is not null, ref MemoryMarshal.GetReference(o));
                    else if (width == Tile && isa == TileIsa.Vector256)
                        TileKernels.Decode256(z.Index, z.Value, e0, e1, ref tile, ref s, start is not null, ref MemoryMarshal.GetReference(o));
                    else
                    {
                        if (start is null) o.Clear(); else start.AsSpan(b * d + t, width).CopyTo(o);
                        for (int e = e0; e < e1; e++) TensorPrimitives.MultiplyAdd(packed.Row(t / Tile, z.Index[e], width), z.Value[e], o, o);
                    }
                }
            }
        });
    }

    /// <summary>
    /// The decoder's forward pass and its code gradients in one sweep of the decoder's tiles: E_b = bias − target_b + Σ_e z_e·W_{i(e)}
    /// into <paramref name="residual"/> (rows×d, overwritten), dots[e] = E_b·W_{i(e)} (the code gradient of a loss ‖E‖², before its
    /// scale; <paramref name="dots"/> in entry order, overwritten), and the return value Σ_b ‖E_b‖², summed in float64 per row and tile.
    /// W is packed in 64-column tiles, and each thread takes one block of rows through all tiles: every entry's tile row is then read
    /// from a 3 MB tile (n = 12,288) that the cache holds, where a whole-row pass reads every entry's 3 KB row from the 37.7 MB matrix in
    /// memory, twice (decode, then dots). Each row's sums run over its entries and its tiles in a fixed order, so the result does not depend
    /// on the thread count.
    /// </summary>
    public static double DecodeResidual(SparseCodes z, float[] w, int n, int d, float[] bias, float[] target, float[] residual, float[] dots,
        ParallelOptions parallel, TileIsa isa = TileIsa.Auto, ReusedBuffer? pack = null)
    {
        isa = TileKernels.Resolve(isa);
        var packed = PackedTiles.Pack(w, null, 0, n, d, Tile, parallel, pack);
        dots.AsSpan(0, z.Count).Clear();
        var rowSquares = new double[z.Rows];
        ForEachChunk(z.Rows, parallel, (from, to) =>
        {
            for (int t = 0; t < d; t += Tile)
            {
                int width = Math.Min(Tile, d - t);
                ref float tile = ref packed.TileStart(t / Tile);
                for (int b = from; b < to; b++)
                {
                    int e0 = z.RowStart[b], e1 = z.RowStart[b + 1];
                    if (width == Tile && isa == TileIsa.Vector512)
                    {
                        rowSquares[b] += TileKernels.DecodeDots512(z.Index, z.Value, e0, e1, ref tile, Tile, ref bias[t], ref target[b * d + t],
                            ref residual[b * d + t], dots);
                        continue;
                    }
                    var o = residual.AsSpan(b * d + t, width);
                    TensorPrimitives.Subtract(bias.AsSpan(t, width), target.AsSpan(b * d + t, width), o);
                    if (width == Tile && isa == TileIsa.Vector256)
                        TileKernels.Decode256(z.Index, z.Value, e0, e1, ref tile, ref MemoryMarshal.GetReference(o), true, ref MemoryMarshal.GetReference(o));
                    else
                        for (int e = e0; e < e1; e++) TensorPrimitives.MultiplyAdd(packed.Row(t / Tile, z.Index[e], width), z.Value[e], o, o);
                    for (int e = e0; e < e1; e++) dots[e] += TensorPrimitives.Dot(packed.Row(t / Tile, z.Index[e], width), o);
                    rowSquares[b] += TensorPrimitives.Dot(o, o);
                }
            }
        }, chunksPerThread: 1);
        double total = 0;
        foreach (double s in rowSquares) total += s;
        return total;
    }

    /// <summary>Most rows of A packed per tile in <see cref="ColumnAxpy"/> (1024 × 512 bytes = 512 KB, within L2).</summary>
    public const int RowBlock = 1024;

    /// <summary>
    /// Entries a latent should have in each row block of <see cref="ColumnAxpy"/>: every block loads and stores each latent's
    /// output tile once, which a few entries do not pay for (the main encoder gradient has about 10 entries per latent over the
    /// batch, and at 4 blocks of 1024 rows it moved its 12,288 × 3 KB gradient rows through memory 4 times for them).
    /// </summary>
    public const int EntriesPerBlock = 128;

    /// <summary>The row blocks of <see cref="ColumnAxpy"/>: as many as give each latent with entries about
    /// <see cref="EntriesPerBlock"/> of them per block, at least one, and blocks of at most <see cref="RowBlock"/> rows.</summary>
    internal static int RowBlocks(CodeColumns columns, int aRows)
    {
        int withEntries = 0;
        for (int i = 0; i < columns.Latents; i++) if (columns.Start[i + 1] > columns.Start[i]) withEntries++;
        long perLatent = columns.Start[columns.Latents] / Math.Max(1, withEntries);
        return (int)Math.Clamp(perLatent / EntriesPerBlock, 1, Math.Max(1, (aRows + RowBlock - 1) / RowBlock));
    }

    /// <summary>
    /// O_{ids[i]} += Σ_{c in column i} weight[c]·A_{Row[c]} for every latent i with entries, the weights in column order
    /// (<see cref="CodeColumns.InColumnOrder"/>; A has <paramref name="aRows"/> rows of width d). When <paramref name="weightSums"/>
    /// is given, also weightSums[i] += Σ weight (in float64). When <paramref name="dotWith"/> is given, also
    /// dots[c] = A_{Row[c]}·V_{ids[i]} (V = <paramref name="dotWith"/>, <paramref name="dots"/> in column order, overwritten),
    /// from the same loads of A. A is taken a block of rows (<see cref="RowBlocks"/>) and a tile at a time, so the packed block the
    /// columns gather from stays in cache; each column's entries are in row order, so a block's entries of a column are one run.
    /// The blocks change only where partial sums are stored between entries, not the order of the additions.
    /// </summary>
    public static void ColumnAxpy(CodeColumns columns, float[] weight, float[] a, int aRows, int d, float[] output, int[]? ids,
        double[]? weightSums, ParallelOptions parallel, float[]? dotWith = null, float[]? dots = null, TileIsa isa = TileIsa.Auto,
        ReusedBuffer? pack = null)
    {
        isa = TileKernels.Resolve(isa);
        int n = columns.Latents;
        if (dotWith is not null) dots!.AsSpan(0, columns.Start[n]).Clear();
        var first = columns.Start[..n];
        var last = new int[n];
        int blocks = RowBlocks(columns, aRows), blockRows = (aRows + blocks - 1) / blocks;
        for (int r0 = 0; r0 < aRows; r0 += blockRows)
        {
            int r1 = Math.Min(aRows, r0 + blockRows), blockStart = r0;
            var packed = PackedTiles.Pack(a, null, r0, r1, d, WideTile, parallel, pack);
            ForEachChunk(n, parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    int c = first[i], end = columns.Start[i + 1];
                    while (c < end && columns.Row[c] < r1) c++;
                    last[i] = c;
                }
                for (int t = 0; t < d; t += WideTile)
                {
                    int width = Math.Min(WideTile, d - t);
                    ref float tile = ref packed.TileStart(t / WideTile);
                    for (int i = from; i < to; i++)
                    {
                        int start = first[i], end = last[i];
                        if (start == end) continue;
                        int target = (ids?[i] ?? i) * d + t;
                        ref float o = ref output[target];
                        ref float v = ref dotWith is null ? ref o : ref dotWith[target];
                        if (width == WideTile && isa == TileIsa.Vector512)
                            TileKernels.AxpyWide512(columns.Row, blockStart, weight, start, end, ref tile, ref o, dotWith is not null, ref v, dots!);
                        else if (width == WideTile && isa == TileIsa.Vector256)
                            for (int half = 0; half < WideTile; half += Tile)
                            {
                                ref float part = ref Unsafe.Add(ref tile, half);
                                TileKernels.Axpy256(columns.Row, blockStart, WideTile, weight, start, end, ref part, ref Unsafe.Add(ref o, half));
                                if (dotWith is not null)
                                    TileKernels.Dots256(columns.Row, blockStart, WideTile, start, end, ref part, ref Unsafe.Add(ref v, half), dots!);
                            }
                        else
                        {
                            var os = output.AsSpan(target, width);
                            for (int c = start; c < end; c++)
                            {
                                var row = packed.Row(t / WideTile, columns.Row[c] - blockStart, width);
                                TensorPrimitives.MultiplyAdd(row, weight[c], os, os);
                                if (dotWith is not null) dots![c] += TensorPrimitives.Dot(row, dotWith.AsSpan(target, width));
                            }
                        }
                    }
                }
                Array.Copy(last, from, first, from, to - from);
            });
        }
        if (weightSums is not null)
            ForEachChunk(n, parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    double s = 0;
                    for (int c = columns.Start[i]; c < columns.Start[i + 1]; c++) s += weight[c];
                    weightSums[i] += s;
                }
            });
    }

    /// <summary>Plain <see cref="Decode"/> without a row map or start: one whole-row multiply-add per entry, in float64.</summary>
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

    /// <summary>g_e = A_{b(e)}·W_{i(e)} for every entry e of the row-wise codes (the dots of <see cref="ColumnAxpy"/>, in entry order), in float64.</summary>
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

    /// <summary>Plain <see cref="ColumnAxpy"/> straight from the row-wise codes (no column index, weights in entry order, no row map), in float64.</summary>
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
    private static void ForEachChunk(int count, ParallelOptions parallel, Action<int, int> body, int chunksPerThread = 4)
    {
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int chunks = Math.Max(1, Math.Min(count, threads * chunksPerThread));
        Parallel.For(0, chunks, parallel, c => body((int)((long)count * c / chunks), (int)((long)count * (c + 1) / chunks)));
    }
}

/// <summary>
/// Rows [r0, r1) of a row-major matrix (row r being row ids[r] of the source when a map is given), split into tiles of
/// 64 or 128 columns, each tile's rows contiguous. Rows of the matrix lie d floats apart; with d a multiple of
/// 1024 bytes all slices of one tile fall into a few cache sets and evict each other, so the kernels read this copy.
/// Every tile starts on a 64-byte boundary (an array's data starts 16 bytes past one, and then every 512-bit load of
/// a row would straddle two cache lines); the array is pinned so the boundary stays put.
/// </summary>
internal sealed class PackedTiles
{
    private readonly float[] _data;
    private readonly int _origin, _rows, _tile;

    private unsafe PackedTiles(int rows, int tiles, int tile, ReusedBuffer? buffer)
    {
        _rows = rows;
        _tile = tile;
        int length = checked(rows * tiles * tile + 16);
        _data = (buffer ?? new ReusedBuffer(pinned: true)).Get(length);
        fixed (float* p = _data) _origin = (int)((64 - (long)p % 64) % 64 / sizeof(float));
    }

    /// <summary>Packs rows [r0, r1) of <paramref name="source"/> (width d) into tiles of <paramref name="tile"/> columns, in parallel over rows,
    /// into <paramref name="buffer"/>'s array (a fresh one when null; the packing is valid until the buffer's next use).</summary>
    public static PackedTiles Pack(float[] source, int[]? ids, int r0, int r1, int d, int tile, ParallelOptions parallel, ReusedBuffer? buffer = null)
    {
        int tiles = (d + tile - 1) / tile;
        var packed = new PackedTiles(r1 - r0, tiles, tile, buffer);
        Parallel.For(0, Math.Max(1, (r1 - r0 + 255) / 256), parallel, block =>
        {
            for (int r = block * 256, end = Math.Min(r1 - r0, r + 256); r < end; r++)
            {
                var row = source.AsSpan((ids?[r0 + r] ?? r0 + r) * d, d);
                for (int t = 0; t < tiles; t++)
                {
                    int width = Math.Min(tile, d - t * tile);
                    row.Slice(t * tile, width).CopyTo(packed.Row(t, r, width));
                }
            }
        });
        return packed;
    }

    /// <summary>The first float of tile <paramref name="tile"/>'s row 0.</summary>
    public ref float TileStart(int tile) => ref _data[_origin + tile * _rows * _tile];

    /// <summary>The first <paramref name="width"/> floats of row <paramref name="row"/> of tile <paramref name="tile"/>.</summary>
    public Span<float> Row(int tile, int row, int width) => _data.AsSpan(_origin + (tile * _rows + row) * _tile, width);
}
