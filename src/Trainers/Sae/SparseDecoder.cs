using System.Numerics.Tensors;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Decoder forward and backward that touch only the active latents: with L0 = k per row the
/// forward costs B·k·d instead of B·n·d. Nested prefixes (Matryoshka) are scored in the same
/// pass because each row's entries are in ascending latent order. The dense methods below are
/// the plain reference the sparse ones are tested against.
/// </summary>
internal static class SparseDecoder
{
    /// <summary>
    /// Forward. For each prefix g, E_g,b = bias + Σ_{i&lt;end_g} z_bi·W_dec,i − target_b. Writes the
    /// suffix sums S_j,b = Σ_{g≥j} w_g·E_g,b into <paramref name="suffix"/>[j] and the full
    /// residual E_G into <paramref name="residual"/>; returns Σ_b Σ_g w_g‖E_g,b‖².
    /// </summary>
    /// <remarks>
    /// The code gradients ∂L/∂z_bi = <paramref name="scale"/>·S_{g(i),b}·W_dec,i (for a loss with ∂L/∂x̂_g,b = scale·E_g,b)
    /// are written into <paramref name="codeGradients"/> for each row right after its forward, while the row's decoder
    /// rows are still in cache.
    /// </remarks>
    public static double Forward(SparseCodes codes, float[] target, float[] decoder, float[]? bias, int d,
        int[] ends, double[] groupWeights, float[][] suffix, float[] residual, ParallelOptions parallel,
        float[] codeGradients, int[] groupOf, float scale)
    {
        int rows = codes.Rows, groups = ends.Length;
        var rowLoss = new double[rows];
        Parallel.For(0, rows, parallel, () => new float[groups * d], (r, _, e) =>
        {
            var acc = residual.AsSpan(r * d, d);
            if (bias is null) acc.Clear(); else bias.CopyTo(acc);
            TensorPrimitives.Subtract(acc, target.AsSpan(r * d, d), acc);
            int entry = codes.RowStart[r], last = codes.RowStart[r + 1];
            double loss = 0;
            for (int g = 0; g < groups; g++)
            {
                for (; entry < last && codes.Index[entry] < ends[g]; entry++)
                    TensorPrimitives.MultiplyAdd(decoder.AsSpan(codes.Index[entry] * d, d), codes.Value[entry], acc, acc);
                acc.CopyTo(e.AsSpan(g * d, d));
                loss += groupWeights[g] * SampleSums.SumOfSquares(acc);
            }
            // S_j = w_j·E_j + S_{j+1}, from the last group down.
            for (int g = groups - 1; g >= 0; g--)
            {
                var s = suffix[g].AsSpan(r * d, d);
                TensorPrimitives.Multiply(e.AsSpan(g * d, d), (float)groupWeights[g], s);
                if (g < groups - 1) TensorPrimitives.Add(s, suffix[g + 1].AsSpan(r * d, d), s);
            }
            for (int q = codes.RowStart[r]; q < last; q++)
            {
                int i = codes.Index[q];
                codeGradients[q] = scale * TensorPrimitives.Dot(suffix[groupOf[i]].AsSpan(r * d, d), decoder.AsSpan(i * d, d));
            }
            rowLoss[r] = loss;
            return e;
        }, _ => { });
        double total = 0;
        foreach (double l in rowLoss) total += l;
        return total;
    }

    /// <summary>
    /// Decoder gradient for a loss with ∂L/∂x̂_g,b = scale·E_g,b per prefix: ∂L/∂W_dec,i = scale·Σ_b z_bi·S_{g(i),b}
    /// (added into <paramref name="decoderGradient"/>; the code gradients come from <see cref="Forward"/>).
    /// </summary>
    public static void Backward(SparseCodes codes, CodeColumns columns, float[][] suffix, int[] groupOf, int d,
        float scale, float[] decoderGradient, ParallelOptions parallel)
    {
        Parallel.For(0, columns.Latents, parallel, i =>
        {
            int from = columns.Start[i], to = columns.Start[i + 1];
            if (from == to) return;
            var g = decoderGradient.AsSpan(i * d, d);
            var s = suffix[groupOf[i]];
            for (int c = from; c < to; c++)
            {
                int e = columns.Entry[c];
                TensorPrimitives.MultiplyAdd(s.AsSpan(columns.Row[c] * d, d), scale * codes.Value[e], g, g);
            }
        });
    }

    /// <summary>Dense reference of <see cref="Forward"/>: z as a full rows×n matrix, every latent visited.</summary>
    public static double ForwardDense(float[] z, int rows, int n, float[] target, float[] decoder, float[]? bias, int d,
        int[] ends, double[] groupWeights, float[][] suffix, float[] residual)
    {
        int groups = ends.Length;
        double total = 0;
        var e = new double[groups, d];
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < groups; g++)
                for (int j = 0; j < d; j++)
                {
                    double v = (bias?[j] ?? 0) - target[r * d + j];
                    for (int i = 0; i < ends[g]; i++) v += (double)z[r * n + i] * decoder[i * d + j];
                    e[g, j] = v;
                    total += groupWeights[g] * v * v;
                }
            for (int j = 0; j < d; j++)
            {
                residual[r * d + j] = (float)e[groups - 1, j];
                double s = 0;
                for (int g = groups - 1; g >= 0; g--)
                {
                    s += groupWeights[g] * e[g, j];
                    suffix[g][r * d + j] = (float)s;
                }
            }
        }
        return total;
    }

    /// <summary>Dense reference of <see cref="Backward"/>: returns ∂L/∂z for every (row, latent) and adds ∂L/∂W_dec.</summary>
    public static float[] BackwardDense(float[] z, int rows, int n, float[][] suffix, int[] groupOf, float[] decoder, int d,
        float scale, float[] decoderGradient)
    {
        var gz = new float[rows * n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (double)suffix[groupOf[i]][r * d + j] * decoder[i * d + j];
                gz[r * n + i] = (float)(scale * s);
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int r = 0; r < rows; r++) s += (double)z[r * n + i] * suffix[groupOf[i]][r * d + j];
                decoderGradient[i * d + j] += (float)(scale * s);
            }
        return gz;
    }
}

/// <summary>Codes transposed to columns (per latent: the entries that use it, in row order).</summary>
internal sealed class CodeColumns
{
    /// <summary>
    /// Builds the transpose by a counting sort on the latent index, in parallel over one block of rows per thread: each
    /// block counts its entries per latent, the offsets give every (latent, block) pair its own run, and each block fills its
    /// runs. The result is the sequential sort's (a column's entries in row order) for any number of blocks. One block per
    /// thread rather than more: each (latent, block) run is a write stream, and 8 blocks × 3,072 AuxK latents kept more
    /// partly written cache lines open than the L2 cache holds.
    /// <paramref name="reuse"/>, when given, lends its Entry and Row arrays if they are long enough (a step rebuilds the index
    /// every call, and two fresh arrays of the codes' size cost their allocation and zeroing each time). When
    /// <paramref name="valuesInColumnOrder"/> is given, the scatter also writes valuesInColumnOrder[c] = valueScale·codes.Value[Entry[c]]
    /// (what <see cref="InColumnOrder"/> gives for the codes' own values) while it holds each entry, saving a gather over the codes.
    /// </summary>
    public CodeColumns(SparseCodes codes, int latents, ParallelOptions? parallel = null, CodeColumns? reuse = null,
        float[]? valuesInColumnOrder = null, float valueScale = 1f)
    {
        Latents = latents;
        Start = reuse is not null && reuse.Start.Length == latents + 1 ? reuse.Start : new int[latents + 1];
        int count = codes.Count;
        Entry = reuse is not null && reuse.Entry.Length >= count ? reuse.Entry : new int[count];
        Row = reuse is not null && reuse.Row.Length >= count ? reuse.Row : new int[count];
        int threads = parallel is { MaxDegreeOfParallelism: > 0 } ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int parts = Math.Max(1, Math.Min(threads, codes.Rows));
        var next = new int[parts][];
        int RowOfPart(int p) => (int)((long)codes.Rows * p / parts);
        Parallel.For(0, parts, parallel ?? new ParallelOptions(), p =>
        {
            var counts = new int[latents];
            for (int e = codes.RowStart[RowOfPart(p)]; e < codes.RowStart[RowOfPart(p + 1)]; e++) counts[codes.Index[e]]++;
            next[p] = counts;
        });
        for (int i = 0, at = 0; i < latents; i++)
        {
            Start[i] = at;
            for (int p = 0; p < parts; p++) { int c = next[p][i]; next[p][i] = at; at += c; }
        }
        Start[latents] = count;
        int[] entry = Entry, row = Row;
        Parallel.For(0, parts, parallel ?? new ParallelOptions(), p =>
        {
            var cursor = next[p];
            for (int r = RowOfPart(p); r < RowOfPart(p + 1); r++)
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++)
                {
                    int c = cursor[codes.Index[e]]++;
                    entry[c] = e;
                    row[c] = r;
                    if (valuesInColumnOrder is not null) valuesInColumnOrder[c] = valueScale * codes.Value[e];
                }
        });
    }

    /// <summary>Number of latents.</summary>
    public int Latents { get; }
    /// <summary>Column offsets (Latents + 1).</summary>
    public int[] Start { get; }
    /// <summary>Entry id (into the code arrays) of each column element (the first Start[Latents] elements; a reused array may be longer).</summary>
    public int[] Entry { get; }
    /// <summary>Row of each column element (the first Start[Latents] elements; a reused array may be longer).</summary>
    public int[] Row { get; }

    /// <summary>destination[c] = scale·perEntry[Entry[c]]: per-entry values in column order, so the column products read them in sequence
    /// (a gather per entry and tile would hit a random place of an array the size of the codes).</summary>
    public float[] InColumnOrder(float[] perEntry, float scale, float[] destination, ParallelOptions parallel)
    {
        int count = Start[Latents];
        Parallel.For(0, (count + 65535) / 65536, parallel, block =>
        {
            for (int c = block * 65536, end = Math.Min(count, c + 65536); c < end; c++) destination[c] = scale * perEntry[Entry[c]];
        });
        return destination;
    }
}
