using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;
using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity of every neuron in ONE pass over the activations A (N × K) and embeddings E
/// (N × e). MS_k = (‖v_k‖² − S2_k)/(S1_k² − S2_k) with ã the min–max scaled activations,
/// S1 = Σ_n ã_nk, S2 = Σ_n ã_nk², v_k = Σ_n ã_nk ê_n (Pach et al. 2025, eq. 9 in linear form).
/// <para>
/// The minimum is not known until the end, so the sums are taken of x = a − m with a provisional
/// offset m per column (the first block's column minimum; 0 for sparse input) and shifted once at
/// the end: with δ = min − m, ã ∝ x − δ, and MS does not depend on the scale of ã, so
/// S1 = S1ₓ − δN, S2 = S2ₓ − 2δS1ₓ + δ²N, v = vₓ − δ·Σ_n ê_n. For SAE codes (ReLU: min 0 in the
/// first block) δ is 0; for raw neurons it is small next to the range, so nothing cancels.
/// Support (samples with ã &gt; 0) is N minus the number of samples equal to the final minimum,
/// counted on the fly. Blocks below <see cref="PairMeanAccumulator.SparseDensity"/> nonzero x
/// take the sparse path (column lists, <see cref="ColumnGather"/>, O(nnz·e)); others one SGEMM.
/// Per-block products are float32, every sum over blocks is float64.
/// </para>
/// The plain two-pass form (<see cref="MinMaxScaling"/> then <see cref="PairMeanAccumulator"/>)
/// and the brute-force pair loop (<see cref="MonoSemanticityReference"/>) are its references.
/// </summary>
internal sealed unsafe class NeuronMsPass
{
    private const int Stripe = 256;
    // Gather blocking (see Gather): 512 rows × 128 floats of unit embeddings (256 KiB) and 256 columns ×
    // 128 doubles of v (256 KiB) fit a 1 MiB L2 together; measured 685 ms against 1,166 ms for 2048 × 32.
    private const int GatherStripe = 256, TileRows = 512, SliceWidth = 128;
    private readonly int _k, _e;
    private readonly float[] _min, _max, _offset;
    private readonly int[] _atMin, _count, _start;
    private readonly double[] _s1, _s2, _v, _u;
    private bool _started, _sparseInput;
    private float[] _unit = [], _xs = [], _shifted = [], _product = [], _rowSum = [];
    private int[] _rowsOf = [];
    private int[]? _stored;
    private double[] _norm2 = [];

    public NeuronMsPass(int columns, int embeddingWidth)
    {
        _k = columns;
        _e = embeddingWidth;
        _min = new float[columns];
        _max = new float[columns];
        _offset = new float[columns];
        Array.Fill(_min, float.PositiveInfinity);
        Array.Fill(_max, float.NegativeInfinity);
        _atMin = new int[columns];
        _count = new int[columns];
        _start = new int[columns + 1];
        _s1 = new double[columns];
        _s2 = new double[columns];
        _v = new double[checked((long)columns * embeddingWidth)];
        _u = new double[embeddingWidth];
    }

    /// <summary>Samples added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>True when the column is constant (max = min): its score is undefined.</summary>
    public bool IsConstant(int column) => _max[column] == _min[column];

    /// <summary>
    /// Adds a dense block: <paramref name="a"/> rows × K and <paramref name="embeddings"/> rows × e.
    /// A non-finite activation, or a non-finite or all-zero embedding, is an error naming the source
    /// and the row (<paramref name="firstRow"/> + its place in the block).
    /// </summary>
    public void AddDense(ReadOnlySpan<float> a, ReadOnlySpan<float> embeddings, int rows, long firstRow, string activationsSource, string embeddingsSource)
    {
        if (rows == 0) return;
        fixed (float* pa = a)
        {
            nint block = (nint)pa;
            int k = _k, stripes = (k + Stripe - 1) / Stripe;
            if (_started && _sparseInput) throw new InvalidOperationException("A pass takes dense or sparse blocks, not both.");
            if (!_started)
            {
                Parallel.For(0, stripes, s => FirstMin((float*)block, rows, s));
                _started = true;
            }
            bool bad = false;
            Parallel.For(0, stripes, s => { if (!Stats((float*)block, rows, s)) bad = true; });
            if (bad) ThrowNonFinite(a, k, firstRow, activationsSource);
            long nonzero = 0;
            for (int c = 0; c < k; c++) nonzero += _count[c];
            Unit(embeddings, rows, firstRow, embeddingsSource);
            if (nonzero < (PairMeanAccumulator.SparseDensityOverride ?? PairMeanAccumulator.SparseDensity) * rows * k) SparseFromDense((float*)block, rows);
            else DenseProduct((float*)block, rows);
        }
        Rows += rows;
    }

    /// <summary>Adds a block of compressed sparse rows (implicit entries are 0) with its dense embeddings.</summary>
    public void AddSparse(SparseBatch a, ReadOnlySpan<float> embeddings, long firstRow, string activationsSource, string embeddingsSource)
    {
        int rows = a.Rows;
        if (rows == 0) return;
        if (_started && !_sparseInput) throw new InvalidOperationException("A pass takes dense or sparse blocks, not both.");
        _started = _sparseInput = true; // offsets stay 0: implicit zeros stay zero
        var offsets = a.RowOffsets.Span;
        var indices = a.Indices.Span;
        var values = a.Values.Span;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
            {
                int r = 0;
                while (offsets[r + 1] <= i) r++;
                throw new ConceptDataException($"{activationsSource}: value {values[i]} at row {firstRow + r}, slot {indices[i]} is not finite.");
            }
        Array.Clear(_count);
        var stored = _stored ??= new int[_k];
        Array.Clear(stored);
        for (int i = 0; i < values.Length; i++)
        {
            int c = indices[i];
            float x = values[i];
            stored[c]++;
            Update(c, x, 1);
            if (x == 0) continue;
            _count[c]++;
            _s1[c] += x;
            _s2[c] += (double)x * x;
        }
        for (int c = 0; c < _k; c++)
            if (stored[c] < rows) Update(c, 0f, rows - stored[c]);
        Unit(embeddings, rows, firstRow, embeddingsSource);
        int nonzero = Prefix();
        Reserve(nonzero);
        var fill = (int[])_start.Clone();
        for (int r = 0; r < rows; r++)
            for (int i = offsets[r]; i < offsets[r + 1]; i++)
            {
                if (values[i] == 0) continue;
                int at = fill[indices[i]]++;
                _rowsOf[at] = r;
                _xs[at] = values[i];
            }
        GatherAll(rows);
        Rows += rows;
    }

    private void Update(int c, float x, int times)
    {
        if (x < _min[c]) { _min[c] = x; _atMin[c] = times; }
        else if (x == _min[c]) _atMin[c] += times;
        if (x > _max[c]) _max[c] = x;
    }

    /// <summary>
    /// The scores (NaN: constant neuron, weight on at most one sample, or a zero denominator) and the
    /// support of each neuron.
    /// </summary>
    public (double[] Ms, int[] Support) Finish()
    {
        var ms = new double[_k];
        var support = new int[_k];
        double n = Rows;
        for (int c = 0; c < _k; c++)
        {
            support[c] = (int)(Rows - _atMin[c]);
            double delta = (double)_min[c] - _offset[c];
            double s1 = _s1[c] - delta * n;
            double s2 = _s2[c] - 2 * delta * _s1[c] + delta * delta * n;
            double denominator = s1 * s1 - s2;
            if (IsConstant(c) || support[c] <= 1 || !(denominator > 0))
            {
                ms[c] = double.NaN;
                continue;
            }
            var v = _v.AsSpan(c * _e, _e);
            double norm2 = 0;
            for (int i = 0; i < _e; i++)
            {
                double x = v[i] - delta * _u[i];
                norm2 += x * x;
            }
            ms[c] = (norm2 - s2) / denominator;
        }
        return (ms, support);
    }

    // The first block's column minima become the offsets.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FirstMin(float* a, int rows, int stripe)
    {
        int c0 = stripe * Stripe, c1 = Math.Min(_k, c0 + Stripe);
        fixed (float* off = _offset)
        {
            for (int c = c0; c < c1; c++) off[c] = a[c];
            for (int r = 1; r < rows; r++)
            {
                float* row = a + (long)r * _k;
                for (int c = c0; c < c1; c++) off[c] = MathF.Min(off[c], row[c]);
            }
        }
    }

    // One stripe of columns over all rows of the block: finiteness, min (with the count of samples at
    // it), max, and the float64 sums of x = a − offset and x², and the count of nonzero x. False when a
    // value is not finite.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Stats(float* a, int rows, int stripe)
    {
        int c0 = stripe * Stripe, c1 = Math.Min(_k, c0 + Stripe);
        fixed (float* mn = _min, mx = _max, off = _offset)
        fixed (int* at = _atMin, cnt = _count)
        fixed (double* s1 = _s1, s2 = _s2)
        {
            for (int c = c0; c < c1; c++) cnt[c] = 0;
            var badBits = Vector256<float>.Zero;
            float badScalar = 0;
            for (int r = 0; r < rows; r++)
            {
                float* row = a + (long)r * _k;
                int c = c0;
                for (; c + 8 <= c1; c += 8)
                {
                    var v = Vector256.Load(row + c);
                    badBits |= v - v;
                    var m = Vector256.Load(mn + c);
                    var lt = Vector256.LessThan(v, m);
                    var eq = Vector256.Equals(v, m).AsInt32();
                    Vector256.Store(Vector256.ConditionalSelect(lt, v, m), mn + c);
                    var n = Vector256.Load(at + c);
                    Vector256.Store(Vector256.ConditionalSelect(lt.AsInt32(), Vector256<int>.One, n - eq), at + c);
                    Vector256.Store(Vector256.Max(v, Vector256.Load(mx + c)), mx + c);
                    var x = v - Vector256.Load(off + c);
                    // +1 where x ≠ 0: the all-ones mask of x = 0 is −1.
                    Vector256.Store(Vector256.Load(cnt + c) + Vector256<int>.One + Vector256.Equals(x, Vector256<float>.Zero).AsInt32(), cnt + c);
                    var (lo, hi) = Vector256.Widen(x);
                    Vector256.Store(Vector256.Load(s1 + c) + lo, s1 + c);
                    Vector256.Store(Vector256.Load(s1 + c + 4) + hi, s1 + c + 4);
                    Vector256.Store(Vector256.FusedMultiplyAdd(lo, lo, Vector256.Load(s2 + c)), s2 + c);
                    Vector256.Store(Vector256.FusedMultiplyAdd(hi, hi, Vector256.Load(s2 + c + 4)), s2 + c + 4);
                }
                for (; c < c1; c++)
                {
                    float v = row[c];
                    badScalar += v - v;
                    if (v < mn[c]) { mn[c] = v; at[c] = 1; }
                    else if (v == mn[c]) at[c]++;
                    if (v > mx[c]) mx[c] = v;
                    float xf = v - off[c]; // float32, as the vector lanes and the column lists compute it
                    if (xf != 0) cnt[c]++;
                    double x = xf;
                    s1[c] += x;
                    s2[c] = Math.FusedMultiplyAdd(x, x, s2[c]);
                }
            }
            return Vector256.EqualsAll(badBits.AsInt32(), Vector256<int>.Zero) && badScalar == 0;
        }
    }

    // Column lists of the block's nonzero x (counting sort by column), then each column's weighted sum of
    // unit embeddings; columns in stripes across threads.
    private void SparseFromDense(float* a, int rows)
    {
        int nonzero = Prefix();
        Reserve(nonzero);
        nint block = (nint)a;
        Parallel.For(0, (_k + GatherStripe - 1) / GatherStripe, s =>
        {
            int c0 = s * GatherStripe, c1 = Math.Min(_k, c0 + GatherStripe);
            Collect((float*)block, rows, c0, c1);
            Gather(c0, c1, rows);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Collect(float* a, int rows, int c0, int c1)
    {
        Span<int> fill = stackalloc int[GatherStripe];
        for (int c = c0; c < c1; c++) fill[c - c0] = _start[c];
        fixed (float* off = _offset, xs = _xs)
        fixed (int* rowsOf = _rowsOf)
        {
            for (int r = 0; r < rows; r++)
            {
                float* row = a + (long)r * _k;
                int c = c0;
                for (; c + 8 <= c1; c += 8)
                {
                    var x = Vector256.Load(row + c) - Vector256.Load(off + c);
                    uint mask = ~Vector256.Equals(x, Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
                    while (mask != 0)
                    {
                        int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                        mask &= mask - 1;
                        int at = fill[c + lane - c0]++;
                        rowsOf[at] = r;
                        xs[at] = row[c + lane] - off[c + lane]; // the lane's value, recomputed rather than read out of the register
                    }
                }
                for (; c < c1; c++)
                {
                    float x = row[c] - off[c];
                    if (x == 0) continue;
                    int at = fill[c - c0]++;
                    rowsOf[at] = r;
                    xs[at] = x;
                }
            }
        }
    }

    private void GatherAll(int rows) => Parallel.For(0, (_k + GatherStripe - 1) / GatherStripe,
        s => Gather(s * GatherStripe, Math.Min(_k, (s + 1) * GatherStripe), rows));

    // v_c += Σ x·ê over the column lists of columns [c0, c1), in cache-sized pieces: tiles of TileRows rows
    // and slices of SliceWidth embedding columns, so a slice of the tile's unit embeddings (TileRows ×
    // SliceWidth floats) and the stripe's slice of v (GatherStripe × SliceWidth doubles) stay in L2 while
    // every column of the stripe passes over them. Without this every nonzero would read a whole
    // embedding row from memory.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gather(int c0, int c1, int rows)
    {
        int e = _e;
        Span<int> pos = stackalloc int[GatherStripe];
        Span<int> end = stackalloc int[GatherStripe];
        for (int c = c0; c < c1; c++) pos[c - c0] = _start[c];
        fixed (float* unit = _unit, xs = _xs)
        fixed (int* rowsOf = _rowsOf, start = _start)
        fixed (double* v = _v)
        {
            for (int r0 = 0; r0 < rows; r0 += TileRows)
            {
                int r1 = Math.Min(rows, r0 + TileRows);
                for (int c = c0; c < c1; c++)
                {
                    int at = pos[c - c0], stop = start[c + 1];
                    while (at < stop && rowsOf[at] < r1) at++;
                    end[c - c0] = at;
                }
                for (int j = 0; j < e; j += SliceWidth)
                {
                    int width = Math.Min(SliceWidth, e - j);
                    for (int c = c0; c < c1; c++)
                    {
                        int at = pos[c - c0];
                        ColumnGather.Add(unit + j, e, width, rowsOf + at, xs + at, end[c - c0] - at, v + (long)c * e + j);
                    }
                }
                end[..(c1 - c0)].CopyTo(pos);
            }
        }
    }

    // Dense block: x = a − offset (float32), one SGEMM xᵀÊ (K × e), added to v in float64.
    private void DenseProduct(float* a, int rows)
    {
        int k = _k, e = _e;
        if (_shifted.Length < rows * k) _shifted = new float[rows * k];
        if (_product.Length < k * e) _product = new float[k * e];
        nint block = (nint)a;
        var shifted = _shifted;
        Parallel.For(0, rows, r =>
        {
            var src = new ReadOnlySpan<float>((float*)block + (long)r * k, k);
            System.Numerics.Tensors.TensorPrimitives.Subtract(src, _offset, shifted.AsSpan(r * k, k));
        });
        Gemm.Sgemm(true, false, k, e, rows, 1f, shifted.AsSpan(0, rows * k), k, _unit.AsSpan(0, rows * e), e, 0f, _product, e);
        var product = _product;
        var v = _v;
        Parallel.For(0, k, c =>
        {
            var p = product.AsSpan(c * e, e);
            var acc = v.AsSpan(c * e, e);
            int i = 0;
            for (; i + 8 <= e; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(p.Slice(i, 8)));
                (Vector256.Create<double>(acc.Slice(i, 4)) + lo).CopyTo(acc.Slice(i, 4));
                (Vector256.Create<double>(acc.Slice(i + 4, 4)) + hi).CopyTo(acc.Slice(i + 4, 4));
            }
            for (; i < e; i++) acc[i] += p[i];
        });
    }

    // Unit-norm rows of the embedding block (norms in float64), then Σ ê in float64.
    private void Unit(ReadOnlySpan<float> embeddings, int rows, long firstRow, string source)
    {
        int e = _e;
        if (_unit.Length < rows * e) _unit = new float[rows * e];
        if (_norm2.Length < rows) _norm2 = new double[rows];
        var unit = _unit;
        var norm2 = _norm2;
        fixed (float* pe = embeddings)
        {
            nint block = (nint)pe;
            Parallel.For(0, (rows + 63) / 64, chunk =>
            {
                fixed (float* pu = unit)
                    for (int r = chunk * 64; r < Math.Min(rows, chunk * 64 + 64); r++)
                        norm2[r] = UnitRow((float*)block + (long)r * e, pu + (long)r * e, e);
            });
        }
        for (int r = 0; r < rows; r++)
            if (!double.IsFinite(norm2[r]))
            {
                var row = embeddings.Slice(r * e, e);
                for (int i = 0; i < e; i++)
                    if (!float.IsFinite(row[i])) throw new ConceptDataException($"{source}: value {row[i]} at row {firstRow + r}, slot {i} is not finite.");
            }
        for (int r = 0; r < rows; r++)
            if (norm2[r] == 0) throw new ConceptDataException($"{source}: row {firstRow + r} is all zeros, so its cosine similarity is undefined.");
        if (_rowSum.Length < e) _rowSum = new float[e];
        var sum = _rowSum.AsSpan(0, e);
        sum.Clear();
        for (int r = 0; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Add(sum, unit.AsSpan(r * e, e), sum);
        for (int i = 0; i < e; i++) _u[i] += sum[i];
    }

    // ‖x‖² in float64, and x/‖x‖ into unit when that is finite and positive.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double UnitRow(float* x, float* unit, int e)
    {
        var acc = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= e; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(x + i));
            acc = Vector256.FusedMultiplyAdd(lo, lo, Vector256.FusedMultiplyAdd(hi, hi, acc));
        }
        double s = Vector256.Sum(acc);
        for (; i < e; i++) s += (double)x[i] * x[i];
        if (!(s > 0) || !double.IsFinite(s)) return s;
        float inv = (float)(1 / Math.Sqrt(s));
        var vi = Vector256.Create(inv);
        for (i = 0; i + 8 <= e; i += 8) Vector256.Store(Vector256.Load(x + i) * vi, unit + i);
        for (; i < e; i++) unit[i] = x[i] * inv;
        return s;
    }

    private int Prefix()
    {
        _start[0] = 0;
        for (int c = 0; c < _k; c++) _start[c + 1] = _start[c] + _count[c];
        return _start[_k];
    }

    private void Reserve(int nonzero)
    {
        if (_rowsOf.Length >= nonzero) return;
        _rowsOf = new int[nonzero];
        _xs = new float[nonzero];
    }

    private static void ThrowNonFinite(ReadOnlySpan<float> block, int width, long firstRow, string source)
    {
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw new ConceptDataException($"{source}: value {block[i]} at row {firstRow + i / width}, slot {i % width} is not finite.");
    }
}
