namespace MlNetConcepts.Evaluators;

/// <summary>
/// The brute-force definition of MonoSemanticity, O(N²) per neuron: a direct double loop over
/// sample pairs n &lt; m, as in the authors' code. It exists to check the fast linear form.
/// </summary>
public static class MonoSemanticityReference
{
    /// <summary>Pairwise MS of each column of <paramref name="weights"/> (N × K, float64) given embeddings (N × e).</summary>
    public static double[] FromWeights(double[,] weights, DenseMatrix embeddings, bool[]? undefined = null)
    {
        int n = weights.GetLength(0), k = weights.GetLength(1);
        var cos = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            for (int b = a + 1; b < n; b++)
            {
                double dot = 0, na = 0, nb = 0;
                var ra = embeddings.Row(a);
                var rb = embeddings.Row(b);
                for (int i = 0; i < ra.Length; i++)
                {
                    dot += (double)ra[i] * rb[i];
                    na += (double)ra[i] * ra[i];
                    nb += (double)rb[i] * rb[i];
                }
                cos[a, b] = dot / Math.Sqrt(na * nb);
            }
        }
        var ms = new double[k];
        for (int c = 0; c < k; c++)
        {
            double num = 0, den = 0;
            for (int a = 0; a < n; a++)
            {
                double wa = weights[a, c];
                if (wa == 0) continue;
                for (int b = a + 1; b < n; b++)
                {
                    double r = wa * weights[b, c];
                    num += r * cos[a, b];
                    den += r;
                }
            }
            ms[c] = (undefined?[c] ?? false) || den == 0 ? double.NaN : num / den;
        }
        return ms;
    }

    /// <summary>Brute-force neuron MS: min–max scaling written out, then the pair loop.</summary>
    public static double[] Neurons(DenseMatrix activations, DenseMatrix embeddings, int? topN = null)
    {
        int n = activations.Rows, k = activations.Cols;
        var w = new double[n, k];
        var constant = new bool[k];
        for (int c = 0; c < k; c++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int r = 0; r < n; r++)
            {
                double v = activations.Data[r * k + c];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            constant[c] = max == min;
            var keep = topN is int t ? TopNReference.RowsOf(activations, c, t).ToHashSet() : null;
            for (int r = 0; r < n; r++)
            {
                if (constant[c] || (keep is not null && !keep.Contains(r))) continue;
                w[r, c] = (activations.Data[r * k + c] - min) / (max - min);
            }
        }
        return FromWeights(w, embeddings, constant);
    }

    /// <summary>Brute-force cluster MS: d̃ = (1 + cos)/2 written out, then the pair loop.</summary>
    public static double[] Clusters(DenseMatrix activations, DenseMatrix centroids, DenseMatrix embeddings, int? topN = null)
    {
        int n = activations.Rows, j = centroids.Rows, d = activations.Cols;
        var w = new double[n, j];
        for (int c = 0; c < j; c++)
        {
            var col = new double[n];
            for (int r = 0; r < n; r++)
            {
                double dot = 0, na = 0, nc = 0;
                for (int i = 0; i < d; i++)
                {
                    double x = activations.Data[r * d + i], y = centroids.Data[c * d + i];
                    dot += x * y; na += x * x; nc += y * y;
                }
                col[r] = (1 + dot / Math.Sqrt(na * nc)) / 2;
            }
            var keep = topN is int t
                ? Enumerable.Range(0, n).OrderByDescending(r => col[r]).ThenBy(r => r).Take(t).ToHashSet()
                : null;
            for (int r = 0; r < n; r++) w[r, c] = keep is null || keep.Contains(r) ? col[r] : 0;
        }
        return FromWeights(w, embeddings);
    }
}
