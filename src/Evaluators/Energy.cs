using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Energy of each concept (Papadimitriou et al. 2025, §3): E_k = mean_n z_nk (with unit-norm decoder rows this is
/// the reconstruction mass a concept carries), its share E_k/Σ E, and how many concepts — taken
/// by decreasing energy — hold 50, 90 and 99% of the total. Codes of all zeros give NaN shares
/// and counts of 0.
/// </summary>
public static class Energy
{
    /// <summary>Energy per concept from codes (N × c), in float64.</summary>
    public static double[] PerConcept(DenseMatrix codes)
    {
        var sums = new double[codes.Cols];
        for (int r = 0; r < codes.Rows; r++)
        {
            var row = codes.Row(r);
            for (int c = 0; c < row.Length; c++) sums[c] += row[c];
        }
        for (int c = 0; c < sums.Length; c++) sums[c] /= codes.Rows;
        return sums;
    }

    /// <summary>
    /// Energy per concept read <paramref name="blockRows"/> rows at a time from a view column in one pass,
    /// in float64: dense blocks by vectorised column sums (<see cref="ColumnSums"/>), sparse ones at O(nnz)
    /// (<see cref="SparseColumnSums"/>), both cut into row pieces summed on the compute threads;
    /// memory: one block of the column plus c doubles. The plain reference is <see cref="PerConcept(DenseMatrix)"/>.
    /// </summary>
    public static double[] PerConcept(IDataView view, string column, int blockRows = RowBlockReader.DefaultBlockRows)
    {
        EvaluatorChecks.Positive(blockRows, nameof(blockRows));
        var col = ViewColumns.Vector(view.Schema, column);
        int width = col.Width;
        var sums = new double[width];
        long rows = 0;
        using var cursor = new RowBlockReader(view, [column], blockRows);
        bool sparse = cursor.IsSparse(col.Name);
        while (cursor.MoveNext())
        {
            // Dense blocks (memory-mapped .npy read in place): vectorised column sums; CSR blocks: O(nnz).
            if (!sparse) ColumnSums.Add(cursor.Floats(col.Name), cursor.BlockRows, width, sums, cursor.BlockStart, column);
            else SparseColumnSums.Add(cursor.Sparse(col.Name), sums, cursor.BlockStart, column);
            rows += cursor.BlockRows;
        }
        if (rows == 0) throw new ConceptDataException($"Column '{column}' has no rows.");
        for (int c = 0; c < width; c++) sums[c] /= rows;
        return sums;
    }

    /// <summary>Concepts by decreasing energy (ties: lower index first).</summary>
    public static int[] Ranking(double[] energy)
    {
        var order = Enumerable.Range(0, energy.Length).ToArray();
        Array.Sort(order, (a, b) => energy[a] != energy[b] ? energy[b].CompareTo(energy[a]) : a.CompareTo(b));
        return order;
    }

    /// <summary>The smallest number of top-energy concepts whose share reaches <paramref name="fraction"/> (0 when the total is 0).</summary>
    public static int ConceptsHolding(double[] energy, double fraction)
    {
        double total = energy.Sum();
        if (!(total > 0)) return 0;
        double cum = 0;
        var order = Ranking(energy);
        for (int i = 0; i < order.Length; i++)
        {
            cum += energy[order[i]];
            if (cum / total >= fraction - 1e-12) return i + 1;
        }
        return order.Length;
    }

    /// <summary>The energy report: concept, energy, share, rank (1 = most energetic), with the 50/90/99% counts as parameters.</summary>
    public static EvaluationReport Report(double[] energy)
    {
        double total = energy.Sum();
        var rank = new int[energy.Length];
        var order = Ranking(energy);
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i + 1;
        return new EvaluationReport("energy")
            .Add("concept", Enumerable.Range(0, energy.Length).ToArray())
            .Add("energy", energy)
            .Add("share", energy.Select(e => total > 0 ? e / total : double.NaN).ToArray())
            .Add("rank", rank)
            .WithParameter("concepts", energy.Length)
            .WithParameter("total_energy", total)
            .WithParameter("concepts_for_50pct", ConceptsHolding(energy, 0.5))
            .WithParameter("concepts_for_90pct", ConceptsHolding(energy, 0.9))
            .WithParameter("concepts_for_99pct", ConceptsHolding(energy, 0.99));
    }

    /// <summary>Energy report of in-memory codes.</summary>
    public static EvaluationReport Report(DenseMatrix codes) => Report(PerConcept(codes)).WithParameter("samples", codes.Rows);
}
