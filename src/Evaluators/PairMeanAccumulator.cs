using System.Numerics.Tensors;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// The exact linear form of a weighted mean of pairwise cosines over n &lt; m:
/// Σ_{n&lt;m} w_n w_m ê_n·ê_m / Σ_{n&lt;m} w_n w_m = (‖v‖² − S2)/(S1² − S2), with
/// v = Σ_n w_n ê_n, S1 = Σ_n w_n, S2 = Σ_n w_n² and unit-norm ê_n (Pach et al. 2025, eq. 9 rewritten;
/// O(N·K·e) instead of O(N²·K)). V = WᵀÊ is accumulated a block of samples at a time with one
/// GEMM per block; the per-block products are float32, every sum over blocks is float64.
/// </summary>
internal sealed class PairMeanAccumulator
{
    private readonly int _k;
    private readonly int _e;
    private readonly double[] _v;
    private readonly float[] _blockProduct;
    private int[]? _counts, _start, _fill;
    private int[] _sampleOf = [];
    private float[] _weightOf = [];
    private float[] _unit = [];

    public PairMeanAccumulator(int columns, int embeddingWidth)
    {
        _k = columns;
        _e = embeddingWidth;
        _v = new double[checked((long)columns * embeddingWidth)];
        _blockProduct = new float[_v.Length];
        S1 = new double[columns];
        S2 = new double[columns];
        Support = new int[columns];
    }

    public double[] S1 { get; }
    public double[] S2 { get; }
    /// <summary>Samples with a positive weight, per column.</summary>
    public int[] Support { get; }

    /// <summary>Below this fraction of nonzero weights in a block, the sparse path replaces the GEMM.</summary>
    public const double SparseDensity = 0.125;

    /// <summary>Tests set this (on their own thread) to force a path: 0 = always GEMM, 2 = always sparse.</summary>
    [ThreadStatic]
    internal static double? SparseDensityOverride;

    /// <summary>
    /// Adds a block: weights (rows × K) and unit embeddings (rows × e). Dense blocks go through one
    /// GEMM; sparse ones (SAE codes after min–max with min 0) add w·ê only for nonzero weights,
    /// O(nnz·e) instead of O(rows·K·e). Both sum the block in float32 and add it in float64.
    /// </summary>
    public void AddBlock(ReadOnlySpan<float> weights, ReadOnlySpan<float> unitEmbeddings, int rows)
    {
        long nonzero = 0;
        var counts = _counts ??= new int[_k];
        Array.Clear(counts);
        for (int r = 0; r < rows; r++)
        {
            var w = weights.Slice(r * _k, _k);
            for (int c = 0; c < _k; c++)
            {
                double x = w[c];
                if (x == 0) continue;
                S1[c] += x;
                S2[c] += x * x;
                if (x > 0) Support[c]++;
                counts[c]++;
                nonzero++;
            }
        }
        if (nonzero < (SparseDensityOverride ?? SparseDensity) * rows * _k) AddSparse(weights, unitEmbeddings, rows, counts, nonzero);
        else
        {
            Gemm.Sgemm(true, false, _k, _e, rows, 1f, weights, _k, unitEmbeddings, _e, 0f, _blockProduct, _e);
            for (int i = 0; i < _v.Length; i++) _v[i] += _blockProduct[i];
        }
    }

    // Column lists of the block's nonzero weights (a counting sort), then per column a float32
    // sum of w·ê over its samples, added to V in float64. Columns are split across threads.
    private void AddSparse(ReadOnlySpan<float> weights, ReadOnlySpan<float> unitEmbeddings, int rows, int[] counts, long nonzero)
    {
        // Buffers are kept between blocks: a streamed run adds thousands of blocks, and fresh
        // large arrays each time would pile up on the large-object heap between collections.
        var start = _start ??= new int[_k + 1];
        for (int c = 0; c < _k; c++) start[c + 1] = start[c] + counts[c];
        var fill = _fill ??= new int[_k + 1];
        start.CopyTo(fill, 0);
        if (_sampleOf.Length < nonzero) { _sampleOf = new int[nonzero]; _weightOf = new float[nonzero]; }
        var sampleOf = _sampleOf;
        var weightOf = _weightOf;
        for (int r = 0; r < rows; r++)
        {
            var w = weights.Slice(r * _k, _k);
            for (int c = 0; c < _k; c++)
            {
                if (w[c] == 0) continue;
                int at = fill[c]++;
                sampleOf[at] = r;
                weightOf[at] = w[c];
            }
        }
        if (_unit.Length < rows * _e) _unit = new float[rows * _e];
        var unit = _unit;
        unitEmbeddings[..(rows * _e)].CopyTo(unit);
        int e = _e;
        var v = _v;
        System.Threading.Tasks.Parallel.For(0, _k, () => new float[e], (c, _, sum) =>
        {
            if (start[c] == start[c + 1]) return sum;
            Array.Clear(sum);
            for (int at = start[c]; at < start[c + 1]; at++)
                TensorPrimitives.MultiplyAdd(unit.AsSpan(sampleOf[at] * e, e), weightOf[at], sum, sum);
            var row = v.AsSpan(c * e, e);
            for (int i = 0; i < e; i++) row[i] += sum[i];
            return sum;
        }, _ => { });
    }

    /// <summary>Adds one weighted sample to one column without GEMM (used by the top-N variants).</summary>
    public void AddOne(int column, double weight, ReadOnlySpan<float> unitEmbedding)
    {
        if (weight == 0) return;
        var v = _v.AsSpan(column * _e, _e);
        for (int i = 0; i < _e; i++) v[i] += weight * unitEmbedding[i];
        S1[column] += weight;
        S2[column] += weight * weight;
        if (weight > 0) Support[column]++;
    }

    /// <summary>
    /// The scores; NaN where <paramref name="undefined"/> says so or where at most one sample has
    /// a nonzero weight (the denominator Σ_{n&lt;m} w_n w_m is 0).
    /// </summary>
    public double[] Finish(Func<int, bool>? undefined = null)
    {
        var ms = new double[_k];
        for (int c = 0; c < _k; c++)
        {
            double denominator = S1[c] * S1[c] - S2[c];
            if ((undefined?.Invoke(c) ?? false) || Support[c] <= 1 || !(denominator > 0))
            {
                ms[c] = double.NaN;
                continue;
            }
            var v = _v.AsSpan(c * _e, _e);
            double norm2 = 0;
            foreach (var x in v) norm2 += x * x;
            ms[c] = (norm2 - S2[c]) / denominator;
        }
        return ms;
    }
}
