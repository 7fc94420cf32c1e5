namespace MlNetConcepts.Evaluators;

/// <summary>
/// The brute-force definition of MonoSemanticity, O(N²) per neuron: a direct double loop over
/// sample pairs n &lt; m, as in the authors' code. It exists to check the fast linear form.
/// </summary>
public static class MonoSemanticityReference
{
    /// <summary>
    /// Pairwise MS of each column of <paramref name="weights"/> (N × K, float64) given embeddings
    /// (N × e). Like the authors' loop: for each sample n, the cosines to all m &gt; n, then every
    /// neuron's share of those pairs; O(N²·(e + K)) time, O(N·K) memory.
    /// </summary>
    public static double[] FromWeights(double[,] weights, DenseMatrix embeddings, bool[]? undefined = null)
    {
        int n = weights.GetLength(0), k = weights.GetLength(1), e = embeddings.Cols;
        var byNeuron = new double[k][];
        for (int c = 0; c < k; c++)
        {
            byNeuron[c] = new double[n];
            for (int r = 0; r < n; r++) byNeuron[c][r] = weights[r, c];
        }
        var norms = new double[n];
        for (int r = 0; r < n; r++)
        {
            double s = 0;
            foreach (var v in embeddings.Row(r)) s += (double)v * v;
            norms[r] = Math.Sqrt(s);
        }
        var num = new double[k];
        var den = new double[k];
        var cos = new double[n];
        for (int a = 0; a < n; a++)
        {
            var ra = embeddings.Row(a);
            for (int b = a + 1; b < n; b++)
            {
                var rb = embeddings.Row(b);
                double dot = 0;
                for (int i = 0; i < e; i++) dot += (double)ra[i] * rb[i];
                cos[b] = dot / (norms[a] * norms[b]);
            }
            for (int c = 0; c < k; c++)
            {
                var w = byNeuron[c];
                double wa = w[a];
                if (wa == 0) continue;
                double sNum = 0, sDen = 0;
                for (int b = a + 1; b < n; b++)
                {
                    sNum += w[b] * cos[b];
                    sDen += w[b];
                }
                num[c] += wa * sNum;
                den[c] += wa * sDen;
            }
        }
        var ms = new double[k];
        for (int c = 0; c < k; c++) ms[c] = (undefined?[c] ?? false) || den[c] == 0 ? double.NaN : num[c] / den[c];
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

    /// <summary>
    /// Cluster MS the way it was computed before the one-pass form: every membership d̃ (N × J, Bíla et al.
    /// 2025, eq. 4) stored by <see cref="ClusterMembership.All"/>, then the linear form of eq. 5 over the
    /// whole matrix at once (<see cref="PairMeanAccumulator"/>). Returns the scores and the supports.
    /// </summary>
    public static (double[] Ms, int[] Support) ClustersFromStoredMembership(DenseMatrix activations, DenseMatrix centroids, DenseMatrix embeddings)
    {
        EvaluatorChecks.SameRows(activations, embeddings);
        var weights = new ClusterMembership(activations, centroids).All();
        var unit = UnitRows.Unit(embeddings, UnitRows.Norms(embeddings));
        var acc = new PairMeanAccumulator(centroids.Rows, embeddings.Cols);
        acc.AddBlock(weights.Data, unit, weights.Rows);
        return (acc.Finish(), acc.Support);
    }
}
