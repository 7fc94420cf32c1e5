using MlNetConcepts.Compute;
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
    public static EvaluationReport Report(DenseMatrix inputs, DenseMatrix reconstructions, DenseMatrix? codes = null)
    {
        EvaluatorChecks.SameRows(inputs, reconstructions);
        EvaluatorChecks.SameCols(inputs, reconstructions, "a reconstruction has the width of its input");
        int n = inputs.Rows, d = inputs.Cols;
        var acc = new ReconstructionAccumulator(d);
        acc.Add(inputs.Data, reconstructions.Data);
        if (codes is not null)
        {
            EvaluatorChecks.SameRows(inputs, codes);
            var fired = new List<int>();
            long nonzero = 0;
            for (int r = 0; r < codes.Rows; r++)
            {
                var z = codes.Row(r);
                for (int k = 0; k < z.Length; k++) if (z[k] != 0) { nonzero++; fired.Add(k); }
            }
            acc.AddCodes(codes.Rows, nonzero, fired, codes.Cols);
        }
        return new EvaluationReport("reconstruction")
            .Add("mse", new[] { acc.Mse })
            .Add("r2", new[] { acc.R2 })
            .Add("l0", new[] { acc.L0 })
            .Add("dead_fraction", new[] { acc.DeadFraction })
            .Add("cosine", new[] { acc.MeanCosine })
            .WithParameter("samples", n).WithParameter("width", d);
    }
}
