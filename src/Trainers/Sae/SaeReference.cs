namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The plain float64 reference of <see cref="SaeStep"/>: every product dense, every selection by
/// a full sort (each variant's <see cref="SaeVariant.ReferenceSelect"/> and <see cref="SaeVariant.ReferencePenalty"/>), written straight from the formulas. It is slow on purpose; the finite-difference
/// gradient checks run against it and the fast float32 path is compared with it.
/// Parameters are in the order of <see cref="SaeWeights.Names"/>: W_enc, b_enc, W_dec, b_dec, threshold.
/// </summary>
internal static class SaeReference
{
    /// <summary>
    /// Returns the loss; fills <paramref name="grad"/> (same shapes as <paramref name="p"/>) when given.
    /// AuxK's target e = x − x̂ is a constant (stop-gradient, as the reference trainers detach it):
    /// pass <paramref name="auxTarget"/> to hold it fixed across finite-difference evaluations; the
    /// target used is returned by the overload with an out parameter.
    /// </summary>
    public static double Loss(SaeVariant variant, SaeOptions o, int d, int n, double[][] p, double[] x, int rows, bool[]? dead, double[][]? grad,
        double[]? auxTarget = null) => Loss(variant, o, d, n, p, x, rows, dead, grad, auxTarget, out _);

    /// <summary>As the other overload, also returning the AuxK target used.</summary>
    public static double Loss(SaeVariant variant, SaeOptions o, int d, int n, double[][] p, double[] x, int rows, bool[]? dead, double[][]? grad,
        double[]? auxTarget, out double[] usedAuxTarget)
    {
        double[] wEnc = p[0], bEnc = p[1], wDec = p[2], bDec = p[3], th = p[4];
        if (grad is not null) foreach (var g in grad) Array.Clear(g);
        var xc = new double[rows * d];
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) xc[r * d + j] = x[r * d + j] - bDec[j];
        var pre = new double[rows * n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                double s = bEnc[i];
                for (int j = 0; j < d; j++) s += xc[r * d + j] * wEnc[i * d + j];
                pre[r * n + i] = s;
            }
        var batch = new ReferenceBatch(o, pre, rows, n, th);
        var active = variant.ReferenceSelect(batch);
        var z = new double[rows * n];
        for (int q = 0; q < z.Length; q++) z[q] = active[q] ? pre[q] : 0;

        int[] ends = variant.GroupEnds(n, o);
        int groups = ends.Length;
        double wg = 1.0 / groups;
        var e = new double[groups][];
        double recon = 0;
        for (int g = 0; g < groups; g++)
        {
            e[g] = new double[rows * d];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < d; j++)
                {
                    double v = bDec[j] - x[r * d + j];
                    for (int i = 0; i < ends[g]; i++) v += z[r * n + i] * wDec[i * d + j];
                    e[g][r * d + j] = v;
                    recon += wg * v * v / rows;
                }
        }
        // ∂L_recon/∂z_bi for every (b, i), active or not (JumpReLU's θ needs the inactive ones).
        var gz = new double[rows * n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int g = 0; g < groups; g++)
                {
                    if (i >= ends[g]) continue;
                    for (int j = 0; j < d; j++) s += wg * 2.0 / rows * e[g][r * d + j] * wDec[i * d + j];
                }
                gz[r * n + i] = s;
            }
        var gpre = new double[rows * n];
        for (int q = 0; q < gpre.Length; q++) gpre[q] = active[q] ? gz[q] : 0;
        if (grad is not null)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int g = 0; g < groups; g++)
                        if (i < ends[g])
                            for (int r = 0; r < rows; r++) s += z[r * n + i] * wg * 2.0 / rows * e[g][r * d + j];
                    grad[2][i * d + j] += s;
                }
            for (int j = 0; j < d; j++)
                for (int g = 0; g < groups; g++)
                    for (int r = 0; r < rows; r++) grad[3][j] += wg * 2.0 / rows * e[g][r * d + j];
        }

        usedAuxTarget = auxTarget ?? e[groups - 1].Select(v => -v).ToArray(); // e = x − x̂
        double aux = AuxK(o, d, n, wDec, pre, usedAuxTarget, rows, dead, gpre, grad);
        double penalty = variant.ReferencePenalty(new ReferencePenaltyContext(batch, d, wDec, z, active, gz, gpre, grad));

        if (grad is not null)
        {
            for (int i = 0; i < n; i++)
                for (int r = 0; r < rows; r++)
                {
                    double g = gpre[r * n + i];
                    if (g == 0) continue;
                    grad[1][i] += g;
                    for (int j = 0; j < d; j++)
                    {
                        grad[0][i * d + j] += g * xc[r * d + j];
                        grad[3][j] -= g * wEnc[i * d + j];
                    }
                }
        }
        return recon + (o.AuxKCoefficient ?? SaeDefaults.AuxKCoefficient) * aux + penalty;
    }

    private static double AuxK(SaeOptions o, int d, int n, double[] wDec, double[] pre, double[] target, int rows,
        bool[]? dead, double[] gpre, double[][]? grad)
    {
        double alpha = o.AuxKCoefficient ?? SaeDefaults.AuxKCoefficient;
        if (dead is null || alpha == 0) return 0;
        int kAux = Math.Min(o.AuxK ?? d / 2, dead.Count(v => v));
        if (kAux < 1) return 0;
        var zAux = new double[rows * n];
        for (int r = 0; r < rows; r++)
            foreach (int i in Enumerable.Range(0, n).Where(i => dead[i] && (pre[r * n + i] > 0 || o.AuxKOnPreActivations == true)).OrderByDescending(i => pre[r * n + i]).ThenBy(i => i).Take(kAux))
                zAux[r * n + i] = pre[r * n + i];
        if (zAux.All(v => v == 0)) return 0;
        var mean = new double[d];
        for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) mean[j] += target[r * d + j] / rows;
        double den = 0, num = 0;
        var diff = new double[rows * d]; // ê − e
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++)
            {
                double eh = 0;
                for (int i = 0; i < n; i++) eh += zAux[r * n + i] * wDec[i * d + j];
                diff[r * d + j] = eh - target[r * d + j];
                num += diff[r * d + j] * diff[r * d + j] / rows;
                double c = target[r * d + j] - mean[j];
                den += c * c / rows;
            }
        double ratio = num / den;
        if (!(den > 0) || !double.IsFinite(ratio)) return 0;
        double f = alpha * 2.0 / (rows * den);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                if (zAux[r * n + i] == 0) continue;
                double s = 0;
                for (int j = 0; j < d; j++)
                {
                    s += f * diff[r * d + j] * wDec[i * d + j];
                    if (grad is not null) grad[2][i * d + j] += f * diff[r * d + j] * zAux[r * n + i];
                }
                gpre[r * n + i] += s;
            }
        return ratio;
    }
}
