using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;
using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// The sums over samples behind MonoSemanticity and overlap, in ONE pass over the blocks of a weight
/// matrix A (N × K: neuron activations, SAE codes, or cluster memberships) and a matching block of
/// "profile" rows P (N × w: unit embeddings for MS, cluster memberships for overlap): per column k the
/// minimum (with the count of samples at it), maximum, S1 = Σ_n x_nk, S2 = Σ_n x_nk², and the cross
/// product V_k = Σ_n x_nk P_n (K × w), plus U = Σ_n P_n. MS (Pach et al. 2025, eq. 9 in linear form) and
/// overlap (Bíla et al. 2025, eq. 1) are closed forms of these sums.
/// <para>
/// With min–max scaling the minimum is not known until the end, so the sums are taken of x = a − m with a
/// provisional offset m per column (the first block's column minimum; 0 for sparse input) and shifted
/// once at the end: with δ = min − m, Σ(a − min) = S1 − δN, Σ(a − min)² = S2 − 2δS1 + δ²N and
/// Σ(a − min)P = V − δU (<see cref="Delta"/>, <see cref="ShiftedS1"/>, …). For SAE codes (ReLU: min 0 in
/// the first block) δ is 0; for raw neurons it is small next to the range, so nothing cancels. Without
/// scaling (weights used as they are, e.g. memberships d̃) the offset is 0 and δ is 0.
/// </para>
/// <para>
/// Blocks below <see cref="PairMeanAccumulator.SparseDensity"/> nonzero x take the sparse path (column
/// lists, <see cref="ColumnGather"/>, O(nnz·w)); others one SGEMM. Per-block products are float32, every
/// sum over blocks is float64. The plain references are <see cref="MinMaxScaling"/> then
/// <see cref="PairMeanAccumulator"/> (MS) and <see cref="OverlapReference"/> (overlap).
/// </para>
/// </summary>
internal sealed unsafe class ShiftedColumnSums
{
    // Gather blocking (see Gather): 512 rows × 128 floats of profile rows (256 KiB) and 256 columns ×
    // 128 doubles of V (256 KiB) fit a 1 MiB L2 together; measured 685 ms against 1,166 ms for 2048 × 32
    // with e = 768 unit embeddings as the profile.
    private const int GatherStripe = 256, TileRows = 512, SliceWidth = 128;
    private readonly int _k, _w;
    private readonly bool _minMax;
    private readonly float[] _min, _max, _offset;
    private readonly int[] _atMin, _count, _start;
    private readonly long[] _nonzero;
    private readonly double[] _s1, _s2, _v, _u;
    private bool _started, _sparseInput;
    private float[] _xs = [], _shifted = [], _product = [];
    private int[] _rowsOf = [];
    private int[]? _stored;
    // Per-piece partials of the dense statistics (pieces × K each), kept between blocks.
    private float[] _pieceMin = [], _pieceMax = [];
    private int[] _pieceAt = [], _pieceCount = [], _pieceFill = [];
    private double[] _pieceS1 = [], _pieceS2 = [];

    /// <param name="columns">K, the columns of A.</param>
    /// <param name="profileWidth">w, the width of the profile rows.</param>
    /// <param name="minMax">True: the sums are shifted to the final column minimum (min–max scaling follows);
    /// false: the weights are taken as they are.</param>
    /// <param name="threads">Threads for the dense statistics (default: <see cref="ComputeSettings.Threads"/>); the
    /// sums do not depend on it.</param>
    public ShiftedColumnSums(int columns, int profileWidth, bool minMax, int? threads = null)
    {
        Threads = new ParallelOptions { MaxDegreeOfParallelism = threads ?? ComputeSettings.Threads };
        _k = columns;
        _w = profileWidth;
        _minMax = minMax;
        _min = new float[columns];
        _max = new float[columns];
        _offset = new float[columns];
        Array.Fill(_min, float.PositiveInfinity);
        Array.Fill(_max, float.NegativeInfinity);
        _atMin = new int[columns];
        _count = new int[columns];
        _nonzero = new long[columns];
        _start = new int[columns + 1];
        _s1 = new double[columns];
        _s2 = new double[columns];
        _v = new double[checked((long)columns * profileWidth)];
        _u = new double[profileWidth];
    }

    /// <summary>Samples added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>K.</summary>
    public int Columns => _k;

    /// <summary>True when the column is constant (max = min).</summary>
    public bool IsConstant(int column) => _max[column] == _min[column];

    /// <summary>max − min of a column.</summary>
    public double Range(int column) => (double)_max[column] - _min[column];

    /// <summary>Shift δ from the provisional offset to the column minimum (0 without min–max scaling).</summary>
    public double Delta(int column) => _minMax ? (double)_min[column] - _offset[column] : 0;

    /// <summary>Σ_n (a_nk − min_k) (without scaling: Σ_n a_nk).</summary>
    public double ShiftedS1(int column) => _s1[column] - Delta(column) * Rows;

    /// <summary>Σ_n (a_nk − min_k)² (without scaling: Σ_n a_nk²).</summary>
    public double ShiftedS2(int column)
    {
        double delta = Delta(column);
        return _s2[column] - 2 * delta * _s1[column] + delta * delta * Rows;
    }

    /// <summary>
    /// Samples with a positive scaled weight: with scaling, N minus the samples at the minimum; without,
    /// the samples with a nonzero weight.
    /// </summary>
    public long Support(int column) => _minMax ? Rows - _atMin[column] : _nonzero[column];

    /// <summary>V_k before the shift (w values); Σ_n (a_nk − min_k) P_n = V_k − δ_k·U.</summary>
    public ReadOnlySpan<double> RawCross(int column) => _v.AsSpan(column * _w, _w);

    /// <summary>U = Σ_n P_n.</summary>
    public ReadOnlySpan<double> ProfileSum => _u;

    /// <summary>
    /// Adds a dense block: <paramref name="a"/> rows × K and its <paramref name="profile"/> rows × w. A
    /// non-finite value of A is an error naming the source and the row (<paramref name="firstRow"/> + its
    /// place in the block); the profile rows must be finite already.
    /// </summary>
    public void AddDense(ReadOnlySpan<float> a, int rows, long firstRow, string source, ReadOnlySpan<float> profile)
    {
        if (rows == 0) return;
        if (_started && _sparseInput) throw new InvalidOperationException("A pass takes dense or sparse blocks, not both.");
        fixed (float* pa = a)
        fixed (float* pp = profile)
        {
            int pieces = (rows + ColumnSums.PieceRows - 1) / ColumnSums.PieceRows;
            ReservePieces(pieces);
            if (!_started)
            {
                if (_minMax) FirstMin(pa, rows, pieces);
                _started = true;
            }
            if (!Stats(pa, rows, pieces)) ThrowNonFinite(a, _k, firstRow, source);
            long nonzero = 0;
            for (int c = 0; c < _k; c++) { nonzero += _count[c]; _nonzero[c] += _count[c]; }
            AddProfileSum(profile, rows);
            if (nonzero < (PairMeanAccumulator.SparseDensityOverride ?? PairMeanAccumulator.SparseDensity) * rows * _k) SparseFromDense(pa, rows, pp, pieces);
            else DenseProduct(pa, rows, profile);
        }
        Rows += rows;
    }

    /// <summary>Adds a block of compressed sparse rows of A (implicit entries are 0) with its dense profile rows.</summary>
    public void AddSparse(SparseBatch a, long firstRow, string source, ReadOnlySpan<float> profile)
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
                throw new ConceptDataException($"{source}: value {values[i]} at row {firstRow + r}, column {indices[i]} is not finite.");
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
        {
            if (stored[c] < rows) Update(c, 0f, rows - stored[c]);
            _nonzero[c] += _count[c];
        }
        AddProfileSum(profile, rows);
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
        fixed (float* pp = profile)
        {
            nint p = (nint)pp;
            Parallel.For(0, (_k + GatherStripe - 1) / GatherStripe,
                s => Gather(s * GatherStripe, Math.Min(_k, (s + 1) * GatherStripe), rows, (float*)p));
        }
        Rows += rows;
    }

    private void Update(int c, float x, int times)
    {
        if (x < _min[c]) { _min[c] = x; _atMin[c] = times; }
        else if (x == _min[c]) _atMin[c] += times;
        if (x > _max[c]) _max[c] = x;
    }

    // U += Σ of the block's profile rows, in float64 row by row: the centred overlap subtracts U·Σã/N from
    // the cross sums, so U's rounding would show in the difference.
    private void AddProfileSum(ReadOnlySpan<float> profile, int rows) => ColumnSums.Add(profile, rows, _w, _u, 0, "profile rows");

    // The first block's column minima become the offsets: each piece's minima, then the smallest in piece order.
    private void FirstMin(float* a, int rows, int pieces)
    {
        nint block = (nint)a;
        Parallel.For(0, pieces, Threads, i =>
        {
            int r0 = i * ColumnSums.PieceRows, r1 = Math.Min(rows, r0 + ColumnSums.PieceRows);
            PieceMin((float*)block + (long)r0 * _k, r1 - r0, _pieceMin.AsSpan(i * _k, _k));
        });
        _pieceMin.AsSpan(0, _k).CopyTo(_offset);
        for (int i = 1; i < pieces; i++) System.Numerics.Tensors.TensorPrimitives.Min(_offset, _pieceMin.AsSpan(i * _k, _k), _offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PieceMin(float* a, int rows, Span<float> min)
    {
        new ReadOnlySpan<float>(a, _k).CopyTo(min);
        for (int r = 1; r < rows; r++) System.Numerics.Tensors.TensorPrimitives.Min(new ReadOnlySpan<float>(a + (long)r * _k, _k), min, min);
    }

    // The statistics of a block, split by rows: each piece of ColumnSums.PieceRows rows is read front to back
    // (sequential pages of a memory-mapped file) into its own partial min, count at the min, max, count of
    // nonzero x and float64 sums; the partials are merged in piece order, so nothing depends on the thread
    // count. False when a value is not finite.
    private bool Stats(float* a, int rows, int pieces)
    {
        nint block = (nint)a;
        bool bad = false;
        Parallel.For(0, pieces, Threads, i =>
        {
            int r0 = i * ColumnSums.PieceRows, r1 = Math.Min(rows, r0 + ColumnSums.PieceRows);
            if (!PieceStats((float*)block + (long)r0 * _k, r1 - r0, i * _k)) bad = true;
        });
        Array.Clear(_count);
        for (int i = 0; i < pieces; i++)
        {
            int o = i * _k;
            for (int c = 0; c < _k; c++)
            {
                float m = _pieceMin[o + c];
                if (m < _min[c]) { _min[c] = m; _atMin[c] = _pieceAt[o + c]; }
                else if (m == _min[c]) _atMin[c] += _pieceAt[o + c];
                _max[c] = MathF.Max(_max[c], _pieceMax[o + c]);
                _count[c] += _pieceCount[o + c];
                _s1[c] += _pieceS1[o + c];
                _s2[c] += _pieceS2[o + c];
            }
        }
        return !bad;
    }

    // One piece (rows × K from a) into the partials at offset o: finiteness, min (with the count of samples at
    // it), max, the float64 sums of x = a − offset and x², and the count of nonzero x.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool PieceStats(float* a, int rows, int o)
    {
        _pieceMin.AsSpan(o, _k).Fill(float.PositiveInfinity);
        _pieceMax.AsSpan(o, _k).Fill(float.NegativeInfinity);
        _pieceAt.AsSpan(o, _k).Clear();
        _pieceCount.AsSpan(o, _k).Clear();
        _pieceS1.AsSpan(o, _k).Clear();
        _pieceS2.AsSpan(o, _k).Clear();
        fixed (float* mn0 = _pieceMin, mx0 = _pieceMax, off = _offset)
        fixed (int* at0 = _pieceAt, cnt0 = _pieceCount)
        fixed (double* s10 = _pieceS1, s20 = _pieceS2)
        {
            float* mn = mn0 + o, mx = mx0 + o;
            int* at = at0 + o, cnt = cnt0 + o;
            double* s1 = s10 + o, s2 = s20 + o;
            var badBits = Vector256<float>.Zero;
            float badScalar = 0;
            for (int r = 0; r < rows; r++)
            {
                float* row = a + (long)r * _k;
                int c = 0;
                for (; c + 8 <= _k; c += 8)
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
                for (; c < _k; c++)
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
    // profile rows. The lists are filled by the same row pieces as the statistics, each read front to back
    // (a stripe of columns over every row would touch a new page per row): piece i writes column c's entries
    // after those of the earlier pieces, whose counts the statistics pass left in _pieceCount, so each list
    // is in row order whatever the thread count. The gather then runs in column stripes across threads.
    private void SparseFromDense(float* a, int rows, float* profile, int pieces)
    {
        int nonzero = Prefix();
        Reserve(nonzero);
        if (_pieceFill.Length < _pieceCount.Length) _pieceFill = new int[_pieceCount.Length];
        _start.AsSpan(0, _k).CopyTo(_pieceFill);
        for (int i = 1; i < pieces; i++)
        {
            var previous = _pieceFill.AsSpan((i - 1) * _k, _k);
            System.Numerics.Tensors.TensorPrimitives.Add(previous, _pieceCount.AsSpan((i - 1) * _k, _k), _pieceFill.AsSpan(i * _k, _k));
        }
        nint block = (nint)a, p = (nint)profile;
        Parallel.For(0, pieces, Threads, i =>
        {
            int r0 = i * ColumnSums.PieceRows, r1 = Math.Min(rows, r0 + ColumnSums.PieceRows);
            CollectPiece((float*)block, r0, r1, i * _k);
        });
        Parallel.For(0, (_k + GatherStripe - 1) / GatherStripe, Threads, s =>
            Gather(s * GatherStripe, Math.Min(_k, (s + 1) * GatherStripe), rows, (float*)p));
    }

    // Rows [r0, r1) into the column lists, at the fill positions _pieceFill[o..o + K) (advanced as it goes).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CollectPiece(float* a, int r0, int r1, int o)
    {
        fixed (float* off = _offset, xs = _xs)
        fixed (int* rowsOf = _rowsOf, fill0 = _pieceFill)
        {
            int* fill = fill0 + o;
            for (int r = r0; r < r1; r++)
            {
                float* row = a + (long)r * _k;
                int c = 0;
                for (; c + 8 <= _k; c += 8)
                {
                    var x = Vector256.Load(row + c) - Vector256.Load(off + c);
                    uint mask = ~Vector256.Equals(x, Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
                    while (mask != 0)
                    {
                        int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                        mask &= mask - 1;
                        int at = fill[c + lane]++;
                        rowsOf[at] = r;
                        xs[at] = row[c + lane] - off[c + lane]; // the lane's value, recomputed rather than read out of the register
                    }
                }
                for (; c < _k; c++)
                {
                    float x = row[c] - off[c];
                    if (x == 0) continue;
                    int at = fill[c]++;
                    rowsOf[at] = r;
                    xs[at] = x;
                }
            }
        }
    }

    // V_c += Σ x·P over the column lists of columns [c0, c1), in cache-sized pieces: tiles of TileRows rows
    // and slices of SliceWidth profile columns, so a slice of the tile's profile rows (TileRows ×
    // SliceWidth floats) and the stripe's slice of V (GatherStripe × SliceWidth doubles) stay in L2 while
    // every column of the stripe passes over them. Without this every nonzero would read a whole
    // profile row from memory.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gather(int c0, int c1, int rows, float* profile)
    {
        int w = _w;
        Span<int> pos = stackalloc int[GatherStripe];
        Span<int> end = stackalloc int[GatherStripe];
        for (int c = c0; c < c1; c++) pos[c - c0] = _start[c];
        fixed (float* xs = _xs)
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
                for (int j = 0; j < w; j += SliceWidth)
                {
                    int width = Math.Min(SliceWidth, w - j);
                    for (int c = c0; c < c1; c++)
                    {
                        int at = pos[c - c0];
                        ColumnGather.Add(profile + j, w, width, rowsOf + at, xs + at, end[c - c0] - at, v + (long)c * w + j);
                    }
                }
                end[..(c1 - c0)].CopyTo(pos);
            }
        }
    }

    // Dense block: x = a − offset (float32), one SGEMM xᵀP (K × w), added to V in float64.
    private void DenseProduct(float* a, int rows, ReadOnlySpan<float> profile)
    {
        int k = _k, w = _w;
        if (_product.Length < k * w) _product = new float[k * w];
        ReadOnlySpan<float> x;
        if (_minMax)
        {
            if (_shifted.Length < rows * k) _shifted = new float[rows * k];
            nint block = (nint)a;
            var shifted = _shifted;
            Parallel.For(0, rows, r =>
            {
                var src = new ReadOnlySpan<float>((float*)block + (long)r * k, k);
                System.Numerics.Tensors.TensorPrimitives.Subtract(src, _offset, shifted.AsSpan(r * k, k));
            });
            x = shifted.AsSpan(0, rows * k);
        }
        else x = new ReadOnlySpan<float>(a, rows * k); // offsets are 0
        Gemm.Sgemm(true, false, k, w, rows, 1f, x, k, profile[..(rows * w)], w, 0f, _product, w);
        var product = _product;
        var v = _v;
        Parallel.For(0, k, c =>
        {
            var p = product.AsSpan(c * w, w);
            var acc = v.AsSpan(c * w, w);
            int i = 0;
            for (; i + 8 <= w; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(p.Slice(i, 8)));
                (Vector256.Create<double>(acc.Slice(i, 4)) + lo).CopyTo(acc.Slice(i, 4));
                (Vector256.Create<double>(acc.Slice(i + 4, 4)) + hi).CopyTo(acc.Slice(i + 4, 4));
            }
            for (; i < w; i++) acc[i] += p[i];
        });
    }

    private int Prefix()
    {
        _start[0] = 0;
        for (int c = 0; c < _k; c++) _start[c + 1] = _start[c] + _count[c];
        return _start[_k];
    }

    private ParallelOptions Threads { get; }

    private void ReservePieces(int pieces)
    {
        long n = (long)pieces * _k;
        if (_pieceMin.Length >= n) return;
        _pieceMin = new float[n];
        _pieceMax = new float[n];
        _pieceAt = new int[n];
        _pieceCount = new int[n];
        _pieceS1 = new double[n];
        _pieceS2 = new double[n];
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
                throw new ConceptDataException($"{source}: value {block[i]} at row {firstRow + i / width}, column {i % width} is not finite.");
    }
}
