namespace MlNetConcepts.Evaluators;

/// <summary>Shape checks shared by the evaluators; each failure names both inputs and their shapes.</summary>
internal static class EvaluatorChecks
{
    public static void SameRows(DenseMatrix a, DenseMatrix b)
    {
        if (a.Rows != b.Rows)
            throw new ConceptDataException($"{a.Name} has {a.Rows} rows but {b.Name} has {b.Rows}; rows must be aligned (one per sample).");
    }

    public static void SameCols(DenseMatrix a, DenseMatrix b, string what)
    {
        if (a.Cols != b.Cols)
            throw new ConceptDataException($"{a.Name} has {a.Cols} columns but {b.Name} has {b.Cols}; {what}.");
    }

    /// <summary>Checks a count argument; the error names the API parameter (a CLI maps it to its flag).</summary>
    public static void Positive(int value, string parameter)
    {
        if (value < 1) throw new ConceptDataException($"{parameter} must be at least 1, got {value}.", [parameter]);
    }
}
