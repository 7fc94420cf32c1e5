using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>Loss terms and batch statistics of one forward/backward pass.</summary>
/// <param name="Loss">Total loss: reconstruction + AuxK coefficient·AuxK + penalty.</param>
/// <param name="Reconstruction">Σ_g w_g·(1/B)Σ_b‖e_g,b‖².</param>
/// <param name="AuxK">The AuxK ratio (before its coefficient).</param>
/// <param name="Penalty">The variant's penalty.</param>
/// <param name="SquaredError">Σ_b‖x_b − x̂_b‖² of the full reconstruction.</param>
/// <param name="TotalVariance">Σ_b‖x_b − x̄‖² (x̄ the batch mean), for R².</param>
/// <param name="ActiveCodes">Number of active (row, latent) pairs.</param>
public readonly record struct StepLoss(double Loss, double Reconstruction, double AuxK, double Penalty,
    double SquaredError, double TotalVariance, long ActiveCodes);

/// <summary>
/// The hand-derived forward and backward pass of an SAE on one batch (no autograd):
/// xc = x − b_dec; pre = xc·W_encᵀ + b_enc (the one dense GEMM, b_enc pre-filled so the GEMM adds onto it);
/// z = select(pre); x̂_g = z_{:m_g}·W_dec + b_dec; L = Σ_g w_g·mean_b‖x̂_g − x‖² + α·AuxK + penalty.
/// Gradients reach only the active and AuxK latents: ∂L/∂pre_bi = ∂L/∂z_bi on those entries;
/// ∂L/∂W_enc,i = Σ_b ∂L/∂pre_bi·xc_b; ∂L/∂b_enc,i = Σ_b ∂L/∂pre_bi;
/// ∂L/∂b_dec = (2/B)Σ_b S_1,b − Σ_b Σ_i ∂L/∂pre_bi·W_enc,i = (2/B)Σ_b S_1,b − Σ_i ∂L/∂b_enc,i·W_enc,i
/// (the sum over rows taken first, so the encoder's share is one n×d product with the bias gradient).
/// AuxK (Gao et al. 2024): with e = x − x̂ held fixed and ê the decoding (no bias) of the top
/// k_aux pre-activations among dead latents (positive ones, or of any sign by option), AuxK = mean_b‖e_b − ê_b‖² / mean_b‖e_b − ē‖².
/// Buffers are kept between calls (a step at B = 4096, n = 12288 would otherwise allocate and
/// page in 200 MB). Results do not depend on the thread count: every output element is summed by one thread in a fixed order.
/// </summary>
internal sealed class SaeStep
{
    private readonly SaeVariant _variant;
    private readonly SaeOptions _options;
    private readonly int _d, _n;
    private readonly int[] _ends, _groupOf;
    private readonly double[] _groupWeights;
    private readonly StepBuffers _buffers = new();

    public SaeStep(SaeVariant variant, SaeOptions options, int inputs, int latents)
    {
        _variant = variant;
        _options = options;
        _d = inputs;
        _n = latents;
        _ends = variant.GroupEnds(latents, options);
        _groupWeights = Enumerable.Repeat(1.0 / _ends.Length, _ends.Length).ToArray();
        _groupOf = new int[latents];
        for (int g = 0, i = 0; g < _ends.Length; g++) for (; i < _ends[g]; i++) _groupOf[i] = g;
    }

    /// <summary>The codes chosen in the last call (valid until the next call).</summary>
    public SparseCodes? Codes { get; private set; }

    /// <summary>When set, each call adds its phase timings here.</summary>
    public StepProfile? Profile { get; set; }

    /// <summary>
    /// Computes the loss on <paramref name="x"/> (rows×d, already scaled) and writes the gradients
    /// into <paramref name="grad"/> (zeroed first). <paramref name="dead"/> marks latents counted as dead (null: none).
    /// </summary>
    public StepLoss Run(float[] x, int rows, SaeWeights w, SaeWeights grad, bool[]? dead, ParallelOptions parallel)
    {
        int d = _d, n = _n;
        long mark = Stopwatch.GetTimestamp();
        foreach (var a in grad.All) Array.Clear(a);
        var xc = _buffers.Get(0, rows * d);
        Parallel.For(0, rows, parallel, r => TensorPrimitives.Subtract(x.AsSpan(r * d, d), w.DecoderBias, xc.AsSpan(r * d, d)));
        var pre = _buffers.Get(1, (long)rows * n);
        Parallel.For(0, rows, parallel, r => w.EncoderBias.CopyTo(pre.AsSpan(r * n, n)));
        Profile?.Lap(0, ref mark);
        Gemm.Sgemm(false, true, rows, n, d, 1f, xc, d, w.EncoderWeight, d, 1f, pre, n);
        Profile?.Lap(1, ref mark);

        var codes = Codes is { } previous && previous.Rows == rows ? previous : new SparseCodes(rows, rows * Math.Min(n, Math.Max(1, _options.K)));
        _variant.SelectForTraining(pre, rows, w, _options, codes, parallel);
        Codes = codes;
        Profile?.Lap(2, ref mark);

        // Decoder forward over nested prefixes, then its backward.
        var suffix = new float[_ends.Length][];
        for (int g = 0; g < suffix.Length; g++) suffix[g] = _buffers.Get(2 + g, rows * d);
        var residual = _buffers.Get(2 + suffix.Length, rows * d);
        float scale = 2f / rows;
        var codeGrad = new float[codes.Count];
        double weightedSse = SparseDecoder.Forward(codes, x, w.DecoderWeight, w.DecoderBias, d, _ends, _groupWeights, suffix, residual, parallel,
            codeGrad, _groupOf, scale);
        double recon = weightedSse / rows;
        var columns = new CodeColumns(codes, n);
        SparseDecoder.Backward(codes, columns, suffix, _groupOf, w.DecoderWeight, d, scale, null, grad.DecoderWeight, parallel);
        var gDecBias = new double[d];
        SumRows(suffix[0], rows, d, scale, gDecBias);
        Profile?.Lap(3, ref mark);

        double aux = AddAuxK(pre, xc, rows, w, grad, dead, residual, parallel);
        Profile?.Lap(4, ref mark);

        double penalty = _variant.AddPenalty(new PenaltyContext(rows, pre, codes, codeGrad, w, grad, _options,
            (r, i) => scale * TensorPrimitives.Dot(suffix[_groupOf[i]].AsSpan(r * d, d), w.DecoderWeight.AsSpan(i * d, d))));
        Profile?.Lap(5, ref mark);

        EncoderBackward(xc, rows, grad, parallel, codeGrad, columns);
        // b_dec enters the encoder as −xc: its gradient there is −Σ_i ∂L/∂b_enc,i·W_enc,i.
        var encoderShare = new float[d];
        Gemm.Sgemm(false, false, 1, d, n, 1f, grad.EncoderBias, n, w.EncoderWeight, d, 0f, encoderShare, d);
        for (int j = 0; j < d; j++) grad.DecoderBias[j] = (float)(gDecBias[j] - encoderShare[j]);
        Profile?.Lap(6, ref mark);

        double sse = 0;
        for (int r = 0; r < rows; r++) sse += SparseDecoder.SumOfSquares(residual.AsSpan(r * d, d));
        var loss = new StepLoss(recon + _options.AuxKCoefficient * aux + penalty, recon, aux, penalty, sse, TotalVariance(x, rows, d), codes.Count);
        Profile?.Lap(7, ref mark);
        if (Profile is not null) Profile.Steps++;
        return loss;
    }

    /// <summary>How AuxK computes its products.</summary>
    internal enum AuxKPath
    {
        /// <summary>Chosen by the share of dead-latent entries selected (see <see cref="AuxDenseMinDensity"/>).</summary>
        Auto,
        /// <summary>Dense GEMMs over the compacted dead latents.</summary>
        Dense,
        /// <summary>Tiled sparse products over the selected entries only.</summary>
        Tiled,
    }

    /// <summary>The AuxK path of this step: Auto in normal use; tests force each in turn.</summary>
    internal AuxKPath AuxPath { get; set; } = AuxKPath.Auto;

    /// <summary>
    /// AuxK takes the dense path when at least this share of the rows×m dead-latent entries is selected: four
    /// dense GEMMs then do little wasted work, and GEMMs run several times faster per flop than the sparse tiles.
    /// </summary>
    internal const double AuxDenseMinDensity = 0.2;

    private double AddAuxK(float[] pre, float[] xc, int rows, SaeWeights w, SaeWeights grad, bool[]? dead, float[] residual, ParallelOptions parallel)
    {
        if (dead is null || _options.AuxKCoefficient == 0) return 0;
        int n = _n, d = _d;
        var deadIds = Enumerable.Range(0, n).Where(i => dead[i]).ToArray();
        int kAux = Math.Min(_options.AuxK ?? d / 2, deadIds.Length);
        if (kAux < 1) return 0;
        int m = deadIds.Length;
        var deadPre = _buffers.Get(10, (long)rows * m);
        Parallel.For(0, rows, parallel, r => { for (int c = 0; c < m; c++) deadPre[r * m + c] = pre[r * n + deadIds[c]]; });
        var local = new SparseCodes(rows, rows * kAux);
        TopSelection.TopKPerRow(deadPre, rows, m, kAux, local, parallel, positiveOnly: !_options.AuxKOnPreActivations);
        if (local.Count == 0) return 0;

        // Target e = x − x̂ (the negated residual), held fixed.
        var target = _buffers.Get(11, rows * d);
        TensorPrimitives.Negate(residual.AsSpan(0, rows * d), target.AsSpan(0, rows * d));
        double denominator = TotalVariance(target, rows, d) / rows;
        if (!(denominator > 0)) return 0;
        bool dense = AuxPath switch
        {
            AuxKPath.Dense => true,
            AuxKPath.Tiled => false,
            _ => local.Count >= AuxDenseMinDensity * rows * m,
        };
        if (dense) return AddAuxKDense(local, deadIds, target, denominator, xc, rows, w, grad, parallel);

        // Tiled sparse, over the compacted dead latents: R = ê − e with ê the decoding of the selected entries;
        // ∂/∂z_e = R_b·W_dec,c; ∂W_dec,c = Σ z_e·R_b; ∂W_enc,c = Σ ∂/∂z_e·xc_b; ∂b_enc,c = Σ ∂/∂z_e.
        var wd = _buffers.Get(12, m * d);
        Parallel.For(0, m, parallel, c => w.DecoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(wd.AsSpan(c * d, d)));
        var diff = _buffers.Get(15, rows * d);
        TiledSparseProducts.Decode(local, wd, m, d, diff, parallel);
        var span = diff.AsSpan(0, rows * d);
        TensorPrimitives.Subtract(span, target.AsSpan(0, rows * d), span);
        double ratio = SparseDecoder.SumOfSquares(span) / rows / denominator;
        if (!double.IsFinite(ratio)) return 0;
        TensorPrimitives.Multiply(span, (float)(_options.AuxKCoefficient * 2.0 / (rows * denominator)), span);
        var auxGrad = new float[local.Count];
        TiledSparseProducts.SampledDots(local, diff, wd, m, d, auxGrad, parallel);
        var columns = new CodeColumns(local, m);
        var gW = _buffers.Get(16, m * d);
        gW.AsSpan(0, m * d).Clear();
        TiledSparseProducts.ColumnAxpy(columns, local.Value, diff, rows, d, gW, null, parallel);
        AddRows(gW, deadIds, d, grad.DecoderWeight, parallel);
        gW.AsSpan(0, m * d).Clear();
        var biasSums = new double[m];
        TiledSparseProducts.ColumnAxpy(columns, auxGrad, xc, rows, d, gW, biasSums, parallel);
        AddRows(gW, deadIds, d, grad.EncoderWeight, parallel);
        for (int c = 0; c < m; c++) grad.EncoderBias[deadIds[c]] += (float)biasSums[c];
        return ratio;
    }

    /// <summary>target row ids[c] += compact row c, for every c.</summary>
    private static void AddRows(float[] compact, int[] ids, int d, float[] target, ParallelOptions parallel)
        => Parallel.For(0, ids.Length, parallel, c => TensorPrimitives.Add(target.AsSpan(ids[c] * d, d), compact.AsSpan(c * d, d), target.AsSpan(ids[c] * d, d)));

    /// <summary>
    /// AuxK with dense products over the m dead latents (Z_aux is rows×m, mostly filled when k_aux is large):
    /// ê = Z·W_dec[dead]; ∂/∂ê = α·2(ê − e)/(B·den); ∂/∂Z = ∂ê·W_dec[dead]ᵀ masked to the selected entries (= ∂/∂pre);
    /// ∂W_dec[dead] = Zᵀ·∂ê; ∂W_enc[dead] = ∂preᵀ·xc; ∂b_enc[dead] = Σ_b ∂pre (b_dec's share follows from b_enc's in <see cref="Run"/>).
    /// Gradients go straight into <paramref name="grad"/>.
    /// </summary>
    private double AddAuxKDense(SparseCodes local, int[] deadIds, float[] target, double denominator, float[] xc, int rows,
        SaeWeights w, SaeWeights grad, ParallelOptions parallel)
    {
        int d = _d, m = deadIds.Length;
        var wd = _buffers.Get(12, m * d);
        var we = _buffers.Get(13, m * d);
        Parallel.For(0, m, parallel, c =>
        {
            w.DecoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(wd.AsSpan(c * d, d));
            w.EncoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(we.AsSpan(c * d, d));
        });
        var z = _buffers.Get(14, (long)rows * m);
        Parallel.For(0, rows, parallel, r =>
        {
            var row = z.AsSpan(r * m, m);
            row.Clear();
            for (int e = local.RowStart[r]; e < local.RowStart[r + 1]; e++) row[local.Index[e]] = local.Value[e];
        });
        var diff = _buffers.Get(15, rows * d);
        Gemm.MatMul(z, wd, diff, rows, m, d);
        TensorPrimitives.Subtract(diff.AsSpan(0, rows * d), target.AsSpan(0, rows * d), diff.AsSpan(0, rows * d));
        double ratio = SparseDecoder.SumOfSquares(diff.AsSpan(0, rows * d)) / rows / denominator;
        if (!double.IsFinite(ratio)) return 0;
        TensorPrimitives.Multiply(diff.AsSpan(0, rows * d), (float)(_options.AuxKCoefficient * 2.0 / (rows * denominator)), diff.AsSpan(0, rows * d));
        var gz = _buffers.Get(10, (long)rows * m); // the compacted pre-activations are no longer needed
        Gemm.MatMulTransB(diff, wd, gz, rows, d, m);
        Parallel.For(0, rows, parallel, r => MaskToSelected(gz.AsSpan(r * m, m), z.AsSpan(r * m, m)));
        var gW = _buffers.Get(16, m * d);
        Gemm.MatMulTransA(z, diff, gW, rows, m, d);
        AddRows(gW, deadIds, d, grad.DecoderWeight, parallel);
        Gemm.MatMulTransA(gz, xc, gW, rows, m, d);
        AddRows(gW, deadIds, d, grad.EncoderWeight, parallel);
        var colSums = new double[m];
        const int band = 256;
        Parallel.For(0, (m + band - 1) / band, parallel, block =>
        {
            int from = block * band, to = Math.Min(m, from + band);
            for (int b = 0; b < rows; b++)
                for (int c = from; c < to; c++) colSums[c] += gz[b * m + c];
        });
        for (int c = 0; c < m; c++) grad.EncoderBias[deadIds[c]] += (float)colSums[c];
        return ratio;
    }

    /// <summary>g ← g where z ≠ 0, else 0 (the gradient reaches only selected entries). Vectorised: a quarter of the
    /// entries are selected in no particular pattern, so a branch per element would mispredict often.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskToSelected(Span<float> g, ReadOnlySpan<float> z)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= g.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var keep = ~Vector256.Equals(Vector256.Create(z.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
                (Vector256.Create((ReadOnlySpan<float>)g.Slice(i, Vector256<float>.Count)) & keep).CopyTo(g.Slice(i));
            }
        for (; i < g.Length; i++) if (z[i] == 0) g[i] = 0f;
    }

    /// <summary>∂L/∂W_enc,i += Σ_b ∂L/∂pre_bi·xc_b and ∂L/∂b_enc,i += Σ_b ∂L/∂pre_bi over the main entries, by tiled column products
    /// (AuxK adds its own share for the dead latents).</summary>
    private void EncoderBackward(float[] xc, int rows, SaeWeights grad, ParallelOptions parallel, float[] codeGrad, CodeColumns columns)
    {
        var biasSums = new double[_n];
        TiledSparseProducts.ColumnAxpy(columns, codeGrad, xc, rows, _d, grad.EncoderWeight, biasSums, parallel);
        for (int i = 0; i < _n; i++) grad.EncoderBias[i] += (float)biasSums[i];
    }

    /// <summary>acc_j += scale·Σ_r v_rj, summed in float64.</summary>
    private static void SumRows(float[] v, int rows, int d, float scale, double[] acc)
    {
        var sums = new double[d];
        SampleSums.AddColumnSums(v.AsSpan(0, rows * d), rows, d, sums);
        for (int j = 0; j < d; j++) acc[j] += scale * sums[j];
    }

    /// <summary>Σ_b‖x_b − x̄‖² with x̄ the mean row, as Σ_j (Σ_b x_bj² − (Σ_b x_bj)²/B) in float64 (one pass).</summary>
    internal static double TotalVariance(float[] x, int rows, int d)
    {
        var sums = new double[d];
        var squares = new double[d];
        SampleSums.AddColumnMoments(x.AsSpan(0, rows * d), rows, d, sums, squares);
        double s = 0;
        for (int j = 0; j < d; j++) s += squares[j] - sums[j] * sums[j] / rows;
        return Math.Max(0, s);
    }

    /// <summary>Work arrays kept between steps, by slot; a slot grows when a step needs more.</summary>
    private sealed class StepBuffers
    {
        private readonly float[]?[] _slots = new float[17][];

        public float[] Get(int slot, long length)
        {
            var a = _slots[slot];
            if (a is null || a.LongLength < length) _slots[slot] = a = new float[length];
            return a;
        }
    }
}
