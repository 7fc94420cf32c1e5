using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Compute;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Stability between two dictionaries (Papadimitriou et al. 2025, eq. 4, after Fel et al. 2025): the rows
/// (concept directions) of the two runs are matched one-to-one by an exact assignment that
/// maximises Σ cos(D_i, D'_π(i)); stability is the mean matched cosine. Rectangular sizes match
/// min(c, c') pairs. With codes of each run, it is also computed on each run's top-M concepts by
/// energy (Papadimitriou et al. 2025, §4.1: the high-energy concepts are the stable ones).
/// </summary>
public static class Stability
{
    /// <summary>
    /// Matches the rows of <paramref name="dictionaryA"/> (c × d) to those of
    /// <paramref name="dictionaryB"/> (c' × d). Report rows: concept_a, concept_b, cosine (by
    /// concept_a); parameters: <c>stability</c>, and with codes <c>top_m</c> and
    /// <c>stability_top_m</c>. Codes are samples × concepts of each run.
    /// </summary>
    public static EvaluationReport Compare(DenseMatrix dictionaryA, DenseMatrix dictionaryB, DenseMatrix? codesA = null, DenseMatrix? codesB = null, int topM = 0)
    {
        if (codesA is not null) CheckCodes(codesA.Name, codesA.Cols, dictionaryA);
        if (codesB is not null) CheckCodes(codesB.Name, codesB.Cols, dictionaryB);
        return CompareByEnergy(dictionaryA, dictionaryB,
            codesA is null ? null : Energy.PerConcept(codesA), codesB is null ? null : Energy.PerConcept(codesB), topM, codesA?.Name, codesB?.Name);
    }

    /// <summary>
    /// <see cref="Compare(DenseMatrix, DenseMatrix, DenseMatrix?, DenseMatrix?, int)"/> with each run's energy
    /// per concept (<see cref="Energy.PerConcept(IDataView, string, int)"/> streams it from codes of any size)
    /// instead of the codes; <paramref name="nameA"/>/<paramref name="nameB"/> name the codes in errors.
    /// </summary>
    public static EvaluationReport CompareByEnergy(DenseMatrix dictionaryA, DenseMatrix dictionaryB, double[]? energyA, double[]? energyB, int topM,
        string? nameA = null, string? nameB = null)
    {
        EvaluatorChecks.SameCols(dictionaryA, dictionaryB, "both dictionaries must live in the same space");
        var (rowsA, rowsB, cos) = Match(dictionaryA, dictionaryB, null, null);
        var frame = new EvaluationReport("stability matching")
            .Add("concept_a", rowsA)
            .Add("concept_b", rowsB)
            .Add("cosine", cos)
            .WithParameter("concepts_a", dictionaryA.Rows).WithParameter("concepts_b", dictionaryB.Rows)
            .WithParameter("stability", cos.Average());
        if (energyA is not null || energyB is not null)
        {
            if (energyA is null || energyB is null) throw new ConceptDataException("Top-M stability needs the codes of both runs.");
            CheckCodes(nameA ?? "codes of run A", energyA.Length, dictionaryA);
            CheckCodes(nameB ?? "codes of run B", energyB.Length, dictionaryB);
            if (topM < 1 || topM > Math.Min(dictionaryA.Rows, dictionaryB.Rows))
                throw new ConceptDataException($"{nameof(topM)} must be between 1 and {Math.Min(dictionaryA.Rows, dictionaryB.Rows)} (the smaller dictionary), got {topM}.", [nameof(topM)]);
            var topA = Energy.Ranking(energyA).Take(topM).ToArray();
            var topB = Energy.Ranking(energyB).Take(topM).ToArray();
            var (_, _, topCos) = Match(dictionaryA, dictionaryB, topA, topB);
            frame.WithParameter("top_m", topM).WithParameter("stability_top_m", topCos.Average());
        }
        return frame;
    }

    /// <summary>The stability value of a report made by <see cref="Compare"/>.</summary>
    public static double Value(EvaluationReport report, bool topM = false)
        => report.NumericParameter(topM ? "stability_top_m" : "stability");

    private static void CheckCodes(string codes, int columns, DenseMatrix dictionary)
    {
        if (columns != dictionary.Rows)
            throw new ConceptDataException($"{codes} has {columns} columns but {dictionary.Name} has {dictionary.Rows} concepts (rows); codes must have one column per dictionary row.");
    }

    /// <summary>Cosine matrix of selected rows and the maximising assignment.</summary>
    private static (int[] A, int[] B, double[] Cos) Match(DenseMatrix a, DenseMatrix b, int[]? onlyA, int[]? onlyB)
    {
        onlyA ??= Enumerable.Range(0, a.Rows).ToArray();
        onlyB ??= Enumerable.Range(0, b.Rows).ToArray();
        var na = UnitRows.Norms(a);
        var nb = UnitRows.Norms(b);
        int ra = onlyA.Length, rb = onlyB.Length;
        // Cosines of unit rows by one GEMM (float32 products of unit vectors; |error| ~ 1e-7).
        var ua = Gather(a, na, onlyA);
        var ub = Gather(b, nb, onlyB);
        var product = new float[(long)ra * rb];
        Gemm.MatMulTransB(ua, ub, product, ra, a.Cols, rb);
        var cos = Array.ConvertAll(product, x => (double)x);
        var assignment = LinearAssignment.SolveMaximum(cos, ra, rb);
        var pairs = Enumerable.Range(0, ra).Where(i => assignment[i] >= 0).ToArray();
        return (pairs.Select(i => onlyA[i]).ToArray(), pairs.Select(i => onlyB[assignment[i]]).ToArray(),
            pairs.Select(i => cos[(long)i * rb + assignment[i]]).ToArray());
    }

    private static float[] Gather(DenseMatrix m, double[] norms, int[] rows)
    {
        var u = new float[(long)rows.Length * m.Cols];
        for (int i = 0; i < rows.Length; i++) UnitRows.CopyUnit(m, norms, rows[i], 1, u.AsSpan(i * m.Cols, m.Cols));
        return u;
    }
}
