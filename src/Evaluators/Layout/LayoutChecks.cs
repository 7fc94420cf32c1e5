namespace MlNetConcepts.Evaluators.Layout;

/// <summary>Input checks and helpers shared by the layout code.</summary>
internal static class LayoutChecks
{
    public static void Matrix(float[] x, int rows, int cols, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (rows < 1 || cols < 1) throw new ConceptDataException($"{name} must have at least one row and one column, got {rows} × {cols}.", [name]);
        if ((long)rows * cols != x.Length)
            throw new ConceptDataException($"{name} holds {x.Length} values, not {rows} × {cols}.", [name]);
        for (long i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw new ConceptDataException($"{name} has a non-finite value at row {i / cols}, column {i % cols}.", [name]);
    }

    /// <summary>Rows scaled to unit norm (a zero row stays zero, so its cosine distance to all is 1).</summary>
    public static float[] UnitRows(float[] x, int rows, int cols)
    {
        var u = new float[x.Length];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++) s += (double)x[i * cols + c] * x[i * cols + c];
            if (s == 0) continue;
            float inv = (float)(1 / Math.Sqrt(s));
            for (int c = 0; c < cols; c++) u[i * cols + c] = x[i * cols + c] * inv;
        }
        return u;
    }
}
