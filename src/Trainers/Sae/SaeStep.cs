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
/// xc = x − b_dec; pre = xc·W_encᵀ + b_enc (the one dense GEMM); z = select(pre);
/// x̂_g = z_{:m_g}·W_dec + b_dec; L = Σ_g w_g·mean_b‖x̂_g − x‖² + α·AuxK + penalty.
/// Gradients reach only the active and AuxK latents: ∂L/∂pre_bi = ∂L/∂z_bi on those entries;
/// ∂L/∂W_enc,i = Σ_b ∂L/∂pre_bi·xc_b; ∂L/∂b_enc,i = Σ_b ∂L/∂pre_bi;
/// ∂L/∂b_dec = (2/B)Σ_b S_1,b − Σ_b Σ_i ∂L/∂pre_bi·W_enc,i.
/// AuxK (Gao et al. 2024): with e = x − x̂ held fixed and ê the decoding (no bias) of the top
/// k_aux pre-activations among dead latents (positive ones, or of any sign by option), AuxK = mean_b‖e_b − ê_b‖² / mean_b‖e_b − ē‖².
/// Results do not depend on the thread count: every output element is summed by one thread in a fixed order.
/// </summary>
internal sealed class SaeStep
{
    private readonly SaeVariant _variant;
    private readonly SaeOptions _options;
    private readonly int _d, _n;
    private readonly int[] _ends, _groupOf;
    private readonly double[] _groupWeights;

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

    /// <summary>The codes chosen in the last call.</summary>
    public SparseCodes? Codes { get; private set; }

    /// <summary>
    /// Computes the loss on <paramref name="x"/> (rows×d, already scaled) and writes the gradients
    /// into <paramref name="grad"/> (zeroed first). <paramref name="dead"/> marks latents counted as dead (null: none).
    /// </summary>
    public StepLoss Run(float[] x, int rows, SaeWeights w, SaeWeights grad, bool[]? dead, ParallelOptions parallel)
    {
        int d = _d, n = _n;
        foreach (var a in grad.All) Array.Clear(a);
        var xc = new float[rows * d];
        Parallel.For(0, rows, parallel, r => TensorPrimitives.Subtract(x.AsSpan(r * d, d), w.DecoderBias, xc.AsSpan(r * d, d)));
        var pre = new float[rows * n];
        Gemm.MatMulTransB(xc, w.EncoderWeight, pre, rows, d, n);
        Parallel.For(0, rows, parallel, r => TensorPrimitives.Add(pre.AsSpan(r * n, n), w.EncoderBias, pre.AsSpan(r * n, n)));

        var codes = new SparseCodes(rows, rows * Math.Min(n, Math.Max(1, _options.K)));
        _variant.SelectForTraining(pre, rows, w, _options, codes, parallel);
        Codes = codes;

        // Decoder forward over nested prefixes, then its backward.
        var suffix = new float[_ends.Length][];
        for (int g = 0; g < suffix.Length; g++) suffix[g] = new float[rows * d];
        var residual = new float[rows * d];
        double weightedSse = SparseDecoder.Forward(codes, x, w.DecoderWeight, w.DecoderBias, d, _ends, _groupWeights, suffix, residual, parallel);
        double recon = weightedSse / rows;
        float scale = 2f / rows;
        var codeGrad = new float[codes.Count];
        var columns = new CodeColumns(codes, n);
        SparseDecoder.Backward(codes, columns, suffix, _groupOf, w.DecoderWeight, d, scale, codeGrad, grad.DecoderWeight, parallel);
        var gDecBias = new double[d];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++) gDecBias[j] += scale * suffix[0][r * d + j];

        double aux = AddAuxK(pre, xc, rows, w, grad, dead, residual, gDecBias, parallel, out var auxCodes, out var auxGrad);

        double penalty = _variant.AddPenalty(new PenaltyContext(rows, pre, codes, codeGrad, w, grad, _options,
            (r, i) => scale * TensorPrimitives.Dot(suffix[_groupOf[i]].AsSpan(r * d, d), w.DecoderWeight.AsSpan(i * d, d))));

        EncoderBackward(rows, xc, w, grad, gDecBias, parallel, (codes, codeGrad, columns), auxCodes is null ? null : (auxCodes, auxGrad!, new CodeColumns(auxCodes, n)));
        for (int j = 0; j < d; j++) grad.DecoderBias[j] = (float)gDecBias[j];

        double sse = 0;
        for (int r = 0; r < rows; r++) sse += SparseDecoder.SumOfSquares(residual.AsSpan(r * d, d));
        return new StepLoss(recon + _options.AuxKCoefficient * aux + penalty, recon, aux, penalty, sse, TotalVariance(x, rows, d), codes.Count);
    }

    /// <summary>From this k_aux on, AuxK runs as dense products over the compacted dead latents (each row then
    /// touches a large share of them, and GEMMs beat per-entry loops); below it, sparse like the main codes.</summary>
    internal static int AuxDenseMinK = 32;

    private double AddAuxK(float[] pre, float[] xc, int rows, SaeWeights w, SaeWeights grad, bool[]? dead, float[] residual,
        double[] gDecBias, ParallelOptions parallel, out SparseCodes? auxCodes, out float[]? auxGrad)
    {
        auxCodes = null; auxGrad = null;
        if (dead is null || _options.AuxKCoefficient == 0) return 0;
        int n = _n, d = _d;
        var deadIds = Enumerable.Range(0, n).Where(i => dead[i]).ToArray();
        int kAux = Math.Min(_options.AuxK ?? d / 2, deadIds.Length);
        if (kAux < 1) return 0;
        int m = deadIds.Length;
        var deadPre = new float[rows * m];
        Parallel.For(0, rows, parallel, r => { for (int c = 0; c < m; c++) deadPre[r * m + c] = pre[r * n + deadIds[c]]; });
        var local = new SparseCodes(rows, rows * kAux);
        TopSelection.TopKPerRow(deadPre, rows, m, kAux, local, parallel, positiveOnly: !_options.AuxKOnPreActivations);
        if (local.Count == 0) return 0;
        if (kAux >= AuxDenseMinK) return AddAuxKDense(local, deadIds, xc, rows, w, grad, residual, gDecBias);
        for (int e = 0; e < local.Count; e++) local.Index[e] = deadIds[local.Index[e]];

        // Target e = x − x̂ (the negated residual), held fixed; R = ê − e.
        var target = new float[rows * d];
        TensorPrimitives.Negate(residual, target);
        double denominator = TotalVariance(target, rows, d) / rows;
        var r1 = new float[rows * d];
        var suffix = new[] { r1 };
        var unused = new float[rows * d];
        double numerator = SparseDecoder.Forward(local, target, w.DecoderWeight, null, d, [n], [1.0], suffix, unused, parallel) / rows;
        double ratio = numerator / denominator;
        if (!(denominator > 0) || !double.IsFinite(ratio)) return 0;
        float scale = (float)(_options.AuxKCoefficient * 2.0 / (rows * denominator));
        auxGrad = new float[local.Count];
        SparseDecoder.Backward(local, new CodeColumns(local, n), suffix, new int[n], w.DecoderWeight, d, scale, auxGrad, grad.DecoderWeight, parallel);
        auxCodes = local;
        return ratio;
    }

    /// <summary>
    /// AuxK with dense products over the m dead latents (Z_aux is rows×m, mostly filled when k_aux is large):
    /// ê = Z·W_dec[dead]; ∂/∂ê = α·2(ê − e)/(B·den); ∂/∂Z = ∂ê·W_dec[dead]ᵀ masked to the selected entries (= ∂/∂pre);
    /// ∂W_dec[dead] = Zᵀ·∂ê; ∂W_enc[dead] = ∂preᵀ·xc; ∂b_enc[dead] = Σ_b ∂pre; ∂b_dec −= Σ_b ∂pre·W_enc[dead].
    /// Gradients go straight into <paramref name="grad"/>, so nothing is returned for the sparse encoder backward.
    /// </summary>
    private double AddAuxKDense(SparseCodes local, int[] deadIds, float[] xc, int rows, SaeWeights w, SaeWeights grad, float[] residual, double[] gDecBias)
    {
        int d = _d, m = deadIds.Length;
        var wd = new float[m * d];
        var we = new float[m * d];
        for (int c = 0; c < m; c++)
        {
            w.DecoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(wd.AsSpan(c * d, d));
            w.EncoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(we.AsSpan(c * d, d));
        }
        var z = local.ToDense(m);
        var target = new float[rows * d];
        TensorPrimitives.Negate(residual, target);
        double denominator = TotalVariance(target, rows, d) / rows;
        var r = new float[rows * d];
        Gemm.MatMul(z, wd, r, rows, m, d);
        TensorPrimitives.Subtract(r, target, r);
        double ratio = SparseDecoder.SumOfSquares(r) / rows / denominator;
        if (!(denominator > 0) || !double.IsFinite(ratio)) return 0;
        TensorPrimitives.Multiply(r, (float)(_options.AuxKCoefficient * 2.0 / (rows * denominator)), r);
        var gz = new float[rows * m];
        Gemm.MatMulTransB(r, wd, gz, rows, d, m);
        for (int q = 0; q < gz.Length; q++) if (z[q] == 0) gz[q] = 0;
        var gW = new float[m * d];
        Gemm.MatMulTransA(z, r, gW, rows, m, d);
        for (int c = 0; c < m; c++) TensorPrimitives.Add(grad.DecoderWeight.AsSpan(deadIds[c] * d, d), gW.AsSpan(c * d, d), grad.DecoderWeight.AsSpan(deadIds[c] * d, d));
        Gemm.MatMulTransA(gz, xc, gW, rows, m, d);
        for (int c = 0; c < m; c++) TensorPrimitives.Add(grad.EncoderWeight.AsSpan(deadIds[c] * d, d), gW.AsSpan(c * d, d), grad.EncoderWeight.AsSpan(deadIds[c] * d, d));
        var colSums = new double[m];
        for (int b = 0; b < rows; b++) for (int c = 0; c < m; c++) colSums[c] += gz[b * m + c];
        for (int c = 0; c < m; c++) grad.EncoderBias[deadIds[c]] += (float)colSums[c];
        var gxc = new float[rows * d];
        Gemm.MatMul(gz, we, gxc, rows, m, d);
        for (int b = 0; b < rows; b++) for (int j = 0; j < d; j++) gDecBias[j] -= gxc[b * d + j];
        return ratio;
    }

    private void EncoderBackward(int rows, float[] xc, SaeWeights w, SaeWeights grad, double[] gDecBias, ParallelOptions parallel,
        (SparseCodes Codes, float[] Grad, CodeColumns Columns) main, (SparseCodes Codes, float[] Grad, CodeColumns Columns)? aux)
    {
        int d = _d;
        var sets = aux is { } a ? new[] { main, a } : new[] { main };
        Parallel.For(0, _n, parallel, i =>
        {
            var gw = grad.EncoderWeight.AsSpan(i * d, d);
            double gb = 0;
            foreach (var (codes, g, cols) in sets)
                for (int c = cols.Start[i]; c < cols.Start[i + 1]; c++)
                {
                    float v = g[cols.Entry[c]];
                    gb += v;
                    TensorPrimitives.MultiplyAdd(xc.AsSpan(cols.Row[c] * d, d), v, gw, gw);
                }
            grad.EncoderBias[i] += (float)gb;
        });
        // ∂L/∂xc_b = Σ_i ∂L/∂pre_bi·W_enc,i; b_dec enters as −xc.
        var gxc = new float[rows * d];
        Parallel.For(0, rows, parallel, r =>
        {
            var acc = gxc.AsSpan(r * d, d);
            foreach (var (codes, g, _) in sets)
                for (int e = codes.RowStart[r]; e < codes.RowStart[r + 1]; e++)
                    TensorPrimitives.MultiplyAdd(w.EncoderWeight.AsSpan(codes.Index[e] * d, d), g[e], acc, acc);
        });
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++) gDecBias[j] -= gxc[r * d + j];
    }

    /// <summary>Σ_b‖x_b − x̄‖² with x̄ the mean row.</summary>
    internal static double TotalVariance(float[] x, int rows, int d)
    {
        var mean = new double[d];
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) mean[j] += x[r * d + j];
        for (int j = 0; j < d; j++) mean[j] /= rows;
        double s = 0;
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) { double v = x[r * d + j] - mean[j]; s += v * v; }
        return s;
    }
}
