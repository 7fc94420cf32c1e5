using System.Numerics.Tensors;
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
/// AuxK is <see cref="AuxKLoss"/>. Buffers are kept between calls (<see cref="StepBuffers"/>).
/// Results do not depend on the thread count: every output element is summed by one thread in a fixed order.
/// </summary>
internal sealed class SaeStep
{
    private readonly SaeVariant _variant;
    private readonly SaeOptions _options;
    private readonly int _d, _n;
    private readonly int[] _ends, _groupOf;
    private readonly double[] _groupWeights;
    private readonly StepBuffers _buffers = new();
    private readonly AuxKLoss _auxK;

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
        _auxK = new AuxKLoss(options, inputs, latents, _buffers);
    }

    /// <summary>How AuxK computes its products in this step (tests force each path).</summary>
    internal AuxKPath AuxPath { get => _auxK.Path; set => _auxK.Path = value; }

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
        Profile?.Start();
        foreach (var a in grad.All) Array.Clear(a);
        var xc = _buffers.Centered.Get(rows * d);
        Parallel.For(0, rows, parallel, r => TensorPrimitives.Subtract(x.AsSpan(r * d, d), w.DecoderBias, xc.AsSpan(r * d, d)));
        var pre = _buffers.PreActivations.Get((long)rows * n);
        Parallel.For(0, rows, parallel, r => w.EncoderBias.CopyTo(pre.AsSpan(r * n, n)));
        Profile?.Lap(StepProfile.Inputs);
        Gemm.Sgemm(false, true, rows, n, d, 1f, xc, d, w.EncoderWeight, d, 1f, pre, n);
        Profile?.Lap(StepProfile.EncoderGemm);

        var codes = Codes is { } previous && previous.Rows == rows ? previous : new SparseCodes(rows, rows * Math.Min(n, Math.Max(1, _options.K)));
        _variant.SelectForTraining(pre, rows, w, _options, codes, parallel);
        Codes = codes;
        Profile?.Lap(StepProfile.Selection);

        // Decoder forward over nested prefixes, then its backward.
        var residual = _buffers.Residual.Get(rows * d);
        float scale = 2f / rows;
        var codeGrad = new float[codes.Count];
        float[][] suffix;
        double weightedSse;
        if (_ends.Length == 1)
        {
            // One group of weight 1: its suffix sum is the residual, which one sweep of the decoder's tiles decodes with the code gradients' dots.
            suffix = [residual];
            weightedSse = TiledSparseProducts.DecodeResidual(codes, w.DecoderWeight, n, d, w.DecoderBias, x, residual, codeGrad, parallel,
                pack: _buffers.Packed);
            TensorPrimitives.Multiply(codeGrad, scale, codeGrad);
        }
        else
        {
            suffix = new float[_ends.Length][];
            for (int g = 0; g < suffix.Length; g++) suffix[g] = _buffers.GroupSuffix(g).Get(rows * d);
            weightedSse = SparseDecoder.Forward(codes, x, w.DecoderWeight, w.DecoderBias, d, _ends, _groupWeights, suffix, residual, parallel,
                codeGrad, _groupOf, scale);
        }
        double recon = weightedSse / rows;
        var columns = new CodeColumns(codes, n, parallel);
        SparseDecoder.Backward(codes, columns, suffix, _groupOf, d, scale, grad.DecoderWeight, parallel);
        var gDecBias = new double[d];
        SumRows(suffix[0], rows, d, scale, gDecBias);
        Profile?.Lap(StepProfile.Decoder);

        double aux = _auxK.Add(pre, xc, rows, w, grad, dead, residual, parallel, Profile);
        Profile?.Lap(StepProfile.AuxKEncoderGradient); // also the rest of AuxK's time when it stops early or runs dense

        double penalty = _variant.AddPenalty(new PenaltyContext(rows, pre, codes, codeGrad, w, grad, _options,
            (r, i) => scale * TensorPrimitives.Dot(suffix[_groupOf[i]].AsSpan(r * d, d), w.DecoderWeight.AsSpan(i * d, d))));
        Profile?.Lap(StepProfile.Penalty);

        EncoderBackward(xc, rows, grad, parallel, columns.InColumnOrder(codeGrad, 1f, _buffers.ColumnWeights.Get(codes.Count), parallel), columns);
        // b_dec enters the encoder as −xc: its gradient there is −Σ_i ∂L/∂b_enc,i·W_enc,i.
        var encoderShare = new float[d];
        Gemm.Sgemm(false, false, 1, d, n, 1f, grad.EncoderBias, n, w.EncoderWeight, d, 0f, encoderShare, d);
        for (int j = 0; j < d; j++) grad.DecoderBias[j] = (float)(gDecBias[j] - encoderShare[j]);
        Profile?.Lap(StepProfile.EncoderBackward);

        double sse = SampleSums.SumOfSquares(residual.AsSpan(0, rows * d));
        var loss = new StepLoss(recon + (_options.AuxKCoefficient ?? SaeDefaults.AuxKCoefficient) * aux + penalty, recon, aux, penalty, sse, TotalVariance(x, rows, d), codes.Count);
        Profile?.Lap(StepProfile.Statistics);
        if (Profile is not null) Profile.Steps++;
        return loss;
    }

    /// <summary>∂L/∂W_enc,i += Σ_b ∂L/∂pre_bi·xc_b and ∂L/∂b_enc,i += Σ_b ∂L/∂pre_bi over the main entries, by tiled column products
    /// (AuxK adds its own share for the dead latents).</summary>
    private void EncoderBackward(float[] xc, int rows, SaeWeights grad, ParallelOptions parallel, float[] codeGrad, CodeColumns columns)
    {
        var biasSums = new double[_n];
        TiledSparseProducts.ColumnAxpy(columns, codeGrad, xc, rows, _d, grad.EncoderWeight, null, biasSums, parallel, pack: _buffers.Packed);
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
}
