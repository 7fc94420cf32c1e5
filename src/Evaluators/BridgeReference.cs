namespace MlNetConcepts.Evaluators;

/// <summary>Dense reference for <see cref="Bridge"/>: the full c × c matrices, then a sort. For tests only.</summary>
internal static class BridgeReference
{
    public static List<(int I, int J, double B, double Co)> TopPairs(DenseMatrix zi, DenseMatrix zt, DenseMatrix d, int top)
    {
        int c = zi.Cols, p = zi.Rows;
        var all = new List<(int I, int J, double B, double Co)>();
        for (int i = 0; i < c; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double co = 0;
                for (int r = 0; r < p; r++) co += (double)zi.Data[r * c + i] * zt.Data[r * c + j];
                co /= p;
                if (co == 0) continue;
                double g = 0;
                for (int t = 0; t < d.Cols; t++) g += (double)d.Data[i * d.Cols + t] * d.Data[j * d.Cols + t];
                all.Add((i, j, co * g, co));
            }
        }
        return all.OrderByDescending(x => x.B).ThenBy(x => x.I).ThenBy(x => x.J).Take(top).ToList();
    }
}
