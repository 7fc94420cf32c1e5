using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Reconstruction quality of an SAE: MSE (mean over all entries), explained variance
/// R² = 1 − Σ‖x−x̂‖²/Σ‖x−x̄‖² with x̄ the per-dimension mean (not overcomplete's global scalar
/// mean), mean cosine(x, x̂) (0 for a row where either vector is zero), and from the codes the
/// L0 (mean nonzero codes per row) and the dead fraction (concepts never nonzero).
/// </summary>
public static class Reconstruction
{
    /// <summary>One-row report: mse, r2, l0, dead_fraction, cosine (l0 and dead_fraction NaN without codes).</summary>
    public static ReportFrame Report(DenseMatrix inputs, DenseMatrix reconstructions, DenseMatrix? codes = null)
    {
        EvaluatorChecks.SameRows(inputs, reconstructions);
        EvaluatorChecks.SameCols(inputs, reconstructions, "a reconstruction has the width of its input");
        int n = inputs.Rows, d = inputs.Cols;
        var mean = new double[d];
        for (int r = 0; r < n; r++) { var x = inputs.Row(r); for (int i = 0; i < d; i++) mean[i] += x[i]; }
        for (int i = 0; i < d; i++) mean[i] /= n;
        double sse = 0, sst = 0, cosSum = 0;
        for (int r = 0; r < n; r++)
        {
            var x = inputs.Row(r);
            var y = reconstructions.Row(r);
            double dot = 0, nx = 0, ny = 0;
            for (int i = 0; i < d; i++)
            {
                double e = (double)x[i] - y[i], c = x[i] - mean[i];
                sse += e * e;
                sst += c * c;
                dot += (double)x[i] * y[i];
                nx += (double)x[i] * x[i];
                ny += (double)y[i] * y[i];
            }
            cosSum += nx == 0 || ny == 0 ? 0 : dot / Math.Sqrt(nx * ny);
        }
        double l0 = double.NaN, dead = double.NaN;
        if (codes is not null)
        {
            EvaluatorChecks.SameRows(inputs, codes);
            var alive = new bool[codes.Cols];
            long nonzero = 0;
            for (int r = 0; r < codes.Rows; r++)
            {
                var z = codes.Row(r);
                for (int k = 0; k < z.Length; k++) if (z[k] != 0) { nonzero++; alive[k] = true; }
            }
            l0 = (double)nonzero / codes.Rows;
            dead = (double)alive.Count(a => !a) / codes.Cols;
        }
        return new ReportFrame("reconstruction")
            .Add("mse", new[] { sse / ((double)n * d) })
            .Add("r2", new[] { sst == 0 ? double.NaN : 1 - sse / sst })
            .Add("l0", new[] { l0 })
            .Add("dead_fraction", new[] { dead })
            .Add("cosine", new[] { cosSum / n })
            .WithParameter("samples", n).WithParameter("width", d);
    }
}
