using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>How AuxK computes its products.</summary>
internal enum AuxKPath
{
    /// <summary>Chosen by the share of dead-latent entries selected (see <see cref="AuxKLoss.AuxDenseMinDensity"/>).</summary>
    Auto,
    /// <summary>Dense GEMMs over the compacted dead latents.</summary>
    Dense,
    /// <summary>Tiled sparse products over the selected entries only.</summary>
    Tiled,
}

/// <summary>
/// The AuxK loss of Gao et al. (2024) for one batch, with its hand-derived gradients: with e = x − x̂
/// held fixed and ê the decoding (no bias) of the top k_aux pre-activations among dead latents
/// (positive ones, or of any sign by option), AuxK = mean_b‖e_b − ê_b‖² / mean_b‖e_b − ē‖². Its
/// products run either as dense GEMMs over the compacted dead latents or as tiled sparse products
/// over the selected entries, by density; both are tested against the float64 reference.
/// </summary>
internal sealed class AuxKLoss(SaeOptions options, int inputs, int latents, StepBuffers buffers)
{
    private readonly SaeOptions _options = options;
    private readonly int _d = inputs, _n = latents;
    private readonly StepBuffers _buffers = buffers;

    /// <summary>The path: Auto in normal use; tests force each in turn.</summary>
    public AuxKPath Path { get; set; } = AuxKPath.Auto;

    /// <summary>
    /// AuxK takes the dense path when at least this share of the rows×m dead-latent entries is selected: four
    /// dense GEMMs then do little wasted work, and GEMMs run several times faster per flop than the sparse tiles.
    /// </summary>
    internal const double AuxDenseMinDensity = 0.2;

    /// <summary>The per-row selection of the last call, kept so its arrays are reused.</summary>
    private SparseCodes? _selected;

    /// <summary>The column index of the last call, whose arrays the next one reuses.</summary>
    private CodeColumns? _columns;

    /// <summary>
    /// Adds α·AuxK's gradients for the latents marked in <paramref name="dead"/> into <paramref name="grad"/>, from the
    /// step's pre-activations, centred inputs and residual x̂ − x; returns the AuxK ratio (before α), 0 when nothing is dead.
    /// When <paramref name="profile"/> is given, each part is timed as its own phase (the caller laps the last one).
    /// </summary>
    public double Add(float[] pre, float[] xc, int rows, SaeWeights w, SaeWeights grad, bool[]? dead, float[] residual, ParallelOptions parallel,
        StepProfile? profile)
    {
        double alpha = _options.AuxKCoefficient ?? SaeDefaults.AuxKCoefficient;
        if (dead is null || alpha == 0) return 0;
        int n = _n, d = _d;
        var deadIds = Enumerable.Range(0, n).Where(i => dead[i]).ToArray();
        int kAux = Math.Min(_options.AuxK ?? d / 2, deadIds.Length);
        if (kAux < 1) return 0;
        int m = deadIds.Length;
        var local = _selected is { } kept && kept.Rows == rows ? kept : new SparseCodes(rows, rows * kAux);
        _selected = local;
        TopSelection.TopKPerRow(pre, rows, n, kAux, local, parallel, positiveOnly: _options.AuxKOnPreActivations != true, columns: deadIds);
        profile?.Lap(StepProfile.AuxKSelection);
        if (local.Count == 0) return 0;

        // The target e = x − x̂ is held fixed; its spread is the residual's (a sign flip changes neither sum).
        double denominator = SaeStep.TotalVariance(residual, rows, d) / rows;
        if (!(denominator > 0)) return 0;
        bool dense = Path switch
        {
            AuxKPath.Dense => true,
            AuxKPath.Tiled => false,
            _ => local.Count >= AuxDenseMinDensity * rows * m,
        };
        if (dense) return AddAuxKDense(local, deadIds, residual, denominator, alpha, xc, rows, w, grad, parallel);

        // Tiled sparse, reading and updating the dead latents' rows in place: R = ê − e = ê + (x̂ − x), decoded onto the residual;
        // with s = α·2/(B·den): ∂W_dec,c = s·Σ z_e·R_b; ∂/∂z_e = s·R_b·W_dec,c (from the same loads of R); ∂W_enc,c = Σ ∂/∂z_e·xc_b;
        // ∂b_enc,c = Σ ∂/∂z_e.
        var diff = _buffers.AuxDifference.Get(rows * d);
        TiledSparseProducts.Decode(local, w.DecoderWeight, deadIds, m, d, residual, diff, parallel, pack: _buffers.Packed);
        var span = diff.AsSpan(0, rows * d);
        double ratio = SampleSums.SumOfSquares(span) / rows / denominator;
        profile?.Lap(StepProfile.AuxKDecode);
        if (!double.IsFinite(ratio)) return 0;
        float scale = (float)(alpha * 2.0 / (rows * denominator));
        var weights = _buffers.ColumnWeights.Get(local.Count);
        var columns = new CodeColumns(local, m, parallel, _columns, weights, scale);
        _columns = columns;
        profile?.Lap(StepProfile.AuxKColumns);
        var codeGrad = _buffers.ColumnDots.Get(local.Count);
        TiledSparseProducts.ColumnAxpy(columns, weights, diff, rows, d, grad.DecoderWeight, deadIds, null, parallel, w.DecoderWeight, codeGrad,
            pack: _buffers.Packed);
        TensorPrimitives.Multiply(codeGrad.AsSpan(0, local.Count), scale, codeGrad.AsSpan(0, local.Count));
        profile?.Lap(StepProfile.AuxKDecoderGradient);
        var biasSums = new double[m];
        TiledSparseProducts.ColumnAxpy(columns, codeGrad, xc, rows, d, grad.EncoderWeight, deadIds, biasSums, parallel, pack: _buffers.Packed);
        for (int c = 0; c < m; c++) grad.EncoderBias[deadIds[c]] += (float)biasSums[c];
        return ratio;
    }

    /// <summary>target row ids[c] += compact row c, for every c.</summary>
    private static void AddRows(float[] compact, int[] ids, int d, float[] target, ParallelOptions parallel)
        => Parallel.For(0, ids.Length, parallel, c => TensorPrimitives.Add(target.AsSpan(ids[c] * d, d), compact.AsSpan(c * d, d), target.AsSpan(ids[c] * d, d)));

    /// <summary>
    /// AuxK with dense products over the m dead latents (Z_aux is rows×m, mostly filled when k_aux is large):
    /// ê = Z·W_dec[dead]; ∂/∂ê = α·2(ê − e)/(B·den); ∂/∂Z = ∂ê·W_dec[dead]ᵀ masked to the selected entries (= ∂/∂pre);
    /// ∂W_dec[dead] = Zᵀ·∂ê; ∂W_enc[dead] = ∂preᵀ·xc; ∂b_enc[dead] = Σ_b ∂pre (b_dec's share follows from b_enc's in <see cref="SaeStep.Run"/>).
    /// Gradients go straight into <paramref name="grad"/>.
    /// </summary>
    private double AddAuxKDense(SparseCodes local, int[] deadIds, float[] residual, double denominator, double alpha, float[] xc, int rows,
        SaeWeights w, SaeWeights grad, ParallelOptions parallel)
    {
        int d = _d, m = deadIds.Length;
        var wd = _buffers.DeadDecoder.Get(m * d);
        var we = _buffers.DeadEncoder.Get(m * d);
        Parallel.For(0, m, parallel, c =>
        {
            w.DecoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(wd.AsSpan(c * d, d));
            w.EncoderWeight.AsSpan(deadIds[c] * d, d).CopyTo(we.AsSpan(c * d, d));
        });
        var z = _buffers.DeadCodes.Get((long)rows * m);
        Parallel.For(0, rows, parallel, r =>
        {
            var row = z.AsSpan(r * m, m);
            row.Clear();
            for (int e = local.RowStart[r]; e < local.RowStart[r + 1]; e++) row[local.Index[e]] = local.Value[e];
        });
        var diff = _buffers.AuxDifference.Get(rows * d);
        Gemm.MatMul(z, wd, diff, rows, m, d);
        TensorPrimitives.Add(diff.AsSpan(0, rows * d), residual.AsSpan(0, rows * d), diff.AsSpan(0, rows * d)); // ê − e = ê + (x̂ − x)
        double ratio = SampleSums.SumOfSquares(diff.AsSpan(0, rows * d)) / rows / denominator;
        if (!double.IsFinite(ratio)) return 0;
        TensorPrimitives.Multiply(diff.AsSpan(0, rows * d), (float)(alpha * 2.0 / (rows * denominator)), diff.AsSpan(0, rows * d));
        var gz = _buffers.DeadCodeGradients.Get((long)rows * m);
        Gemm.MatMulTransB(diff, wd, gz, rows, d, m);
        Parallel.For(0, rows, parallel, r => MaskToSelected(gz.AsSpan(r * m, m), z.AsSpan(r * m, m)));
        var gW = _buffers.DeadWeightGradient.Get(m * d);
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
}
