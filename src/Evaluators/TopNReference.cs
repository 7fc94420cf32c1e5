namespace MlNetConcepts.Evaluators;

/// <summary>Plain reference for <see cref="TopNSelector"/>: a full stable sort of each column.</summary>
internal static class TopNReference
{
    public static long[] RowsOf(DenseMatrix m, int column, int n, float? onlyAbove = null)
    {
        var rows = Enumerable.Range(0, m.Rows)
            .Where(r => onlyAbove is not float f || m.Data[(long)r * m.Cols + column] > f)
            .OrderByDescending(r => m.Data[(long)r * m.Cols + column])
            .ThenBy(r => r)
            .Take(n);
        return rows.Select(r => (long)r).ToArray();
    }
}
