using Microsoft.ML;
using MlNetConcepts.Compute;
using MlNetConcepts.Views;

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
    public static SaeMetrics Compute(SaeTransformer sae, IDataView view, string column)
    {
        ViewColumns.RequireFloatVector(view.Schema, column, sae.Inputs);
        return Compute(sae, Blocks(view, column));
    }

    private static IEnumerable<float[]> Blocks(IDataView view, string column)
    {
        using var reader = new RowBlockReader(view, [column], 4096);
        while (reader.MoveNext()) yield return reader.Floats(column).ToArray();
    }

    /// <summary>Evaluates on blocks of rows (row-major, width d).</summary>
    public static SaeMetrics Compute(SaeTransformer sae, IEnumerable<float[]> blocks)
    {
        var acc = new ReconstructionAccumulator(sae.Inputs);
        foreach (var x in blocks)
        {
            int r = x.Length / sae.Inputs;
            if (r == 0) continue;
            var codes = sae.Encode(x, r);
            acc.Add(x, sae.Decode(codes));
            acc.AddCodes(r, codes.Count, codes.Index.Take(codes.Count), sae.Latents);
        }
        if (acc.Rows == 0) throw new ConceptDataException("No rows to evaluate the SAE on.");
        return new SaeMetrics(acc.Rows, acc.Mse, acc.R2, acc.L0, acc.DeadFraction, acc.MeanCosine);
    }
}
