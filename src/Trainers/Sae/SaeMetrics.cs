using System.Numerics.Tensors;
using MlNetConcepts.Data;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Reconstruction quality of an SAE on a set of rows (raw activations):
/// MSE = Σ‖x − x̂‖²/(N·d); R² = 1 − Σ‖x − x̂‖²/Σ‖x − x̄‖² (x̄ the per-dimension mean);
/// L0 = mean active latents per row; dead fraction = share of latents that never fire on these
/// rows; mean cosine = mean over rows of cos(x, x̂).
/// </summary>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="Mse">Mean squared error per element.</param>
/// <param name="R2">Explained variance.</param>
/// <param name="L0">Mean number of active latents per row.</param>
/// <param name="DeadFraction">Fraction of latents never active.</param>
/// <param name="MeanCosine">Mean cosine similarity of x and x̂.</param>
public sealed record SaeMetrics(long Rows, double Mse, double R2, double L0, double DeadFraction, double MeanCosine)
{
    /// <summary>Evaluates on the rows of <paramref name="column"/> of a view.</summary>
    public static SaeMetrics Compute(SaeTransformer sae, IConceptView view, string column)
    {
        var col = view.Schema.RequireVector(column);
        return Compute(sae, Blocks(view, col));
    }

    private static IEnumerable<float[]> Blocks(IConceptView view, ViewColumn col)
    {
        using var cursor = view.GetCursor(4096, [col.Name]);
        while (cursor.MoveNext()) yield return cursor.GetFloats(col.Index).ToArray();
    }

    /// <summary>Evaluates on blocks of rows (row-major, width d).</summary>
    public static SaeMetrics Compute(SaeTransformer sae, IEnumerable<float[]> blocks)
    {
        int d = sae.Inputs;
        long rows = 0, active = 0;
        double sse = 0, cosSum = 0;
        var sum = new double[d];
        var sumSq = new double[d];
        var fired = new bool[sae.Latents];
        foreach (var x in blocks)
        {
            int r = x.Length / d;
            if (r == 0) continue;
            var codes = sae.Encode(x, r);
            var xh = sae.Decode(codes);
            for (int e = 0; e < codes.Count; e++) fired[codes.Index[e]] = true;
            active += codes.Count;
            for (int b = 0; b < r; b++)
            {
                var xs = x.AsSpan(b * d, d);
                var hs = xh.AsSpan(b * d, d);
                for (int j = 0; j < d; j++)
                {
                    double v = xs[j], diff = v - hs[j];
                    sse += diff * diff;
                    sum[j] += v;
                    sumSq[j] += v * v;
                }
                double nx = TensorPrimitives.Norm(xs), nh = TensorPrimitives.Norm(hs);
                cosSum += nx > 0 && nh > 0 ? TensorPrimitives.Dot(xs, hs) / (nx * nh) : 0;
            }
            rows += r;
        }
        if (rows == 0) throw new ConceptDataException("No rows to evaluate the SAE on.");
        double sst = 0;
        for (int j = 0; j < d; j++) sst += sumSq[j] - sum[j] * sum[j] / rows;
        return new SaeMetrics(rows, sse / ((double)rows * d), 1 - sse / sst, (double)active / rows,
            fired.Count(f => !f) / (double)sae.Latents, cosSum / rows);
    }
}
