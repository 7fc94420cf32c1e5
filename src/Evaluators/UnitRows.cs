namespace MlNetConcepts.Evaluators;

/// <summary>Row norms and unit-norm copies of rows, for cosines (zero rows are rejected by name).</summary>
internal static class UnitRows
{
    /// <summary>Euclidean norm of every row in float64; a zero row is an error naming the row.</summary>
    public static double[] Norms(DenseMatrix m, bool allowZero = false)
    {
        var norms = new double[m.Rows];
        for (int r = 0; r < m.Rows; r++)
        {
            double s = 0;
            foreach (var v in m.Row(r)) s += (double)v * v;
            norms[r] = Math.Sqrt(s);
            if (norms[r] == 0 && !allowZero)
                throw new ConceptDataException($"{m.Name}: row {r} is all zeros, so its cosine similarity is undefined.");
        }
        return norms;
    }

    /// <summary>Writes rows [first, first+rows) divided by their norms into <paramref name="destination"/>.</summary>
    public static void CopyUnit(DenseMatrix m, double[] norms, int first, int rows, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            var src = m.Row(first + r);
            var dst = destination.Slice(r * m.Cols, m.Cols);
            double inv = norms[first + r] == 0 ? 0 : 1 / norms[first + r];
            for (int c = 0; c < src.Length; c++) dst[c] = (float)(src[c] * inv);
        }
    }

    /// <summary>
    /// Writes a block of rows (rows × width) divided by their norms into <paramref name="destination"/>;
    /// a zero row is an error naming <paramref name="source"/> and the row (<paramref name="firstRow"/> + its place).
    /// </summary>
    public static void UnitBlock(ReadOnlySpan<float> block, int rows, int width, long firstRow, string source, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            var src = block.Slice(r * width, width);
            double s = 0;
            foreach (var v in src) s += (double)v * v;
            if (s == 0) throw new ConceptDataException($"{source}: row {firstRow + r} is all zeros, so its cosine similarity is undefined.");
            double inv = 1 / Math.Sqrt(s);
            var dst = destination.Slice(r * width, width);
            for (int c = 0; c < width; c++) dst[c] = (float)(src[c] * inv);
        }
    }

    /// <summary>A full unit-norm copy.</summary>
    public static float[] Unit(DenseMatrix m, double[] norms)
    {
        var u = new float[m.Data.Length];
        CopyUnit(m, norms, 0, m.Rows, u);
        return u;
    }
}
