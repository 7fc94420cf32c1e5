namespace MlNetConcepts.Studies.Bottleneck;

/// <summary>
/// Which concepts a bottleneck keeps: the ones whose firing says most about the class. For concept
/// k with firing indicator f = 1[z_k &gt; 0], the mutual information with the label y over the
/// training rows is I(f; y) = Σ_{f,c} p(f, c) log2(p(f, c) / (p(f) p(c))) bits (Cover and Thomas
/// 2006, §2.3). Concepts are ranked by decreasing I (ties: lower index first); a concept that
/// never fires, or always fires, carries 0 bits. Only training rows are read, so the test split
/// stays unseen by the choice.
/// </summary>
public static class ConceptSelection
{
    /// <summary>I(1[z_k &gt; 0]; y) in bits for every concept, over the rows listed in <paramref name="trainRows"/>.</summary>
    /// <param name="codes">Codes, rows × <paramref name="latents"/>, row-major.</param>
    /// <param name="latents">Concepts per row.</param>
    /// <param name="labels">A class label per row (any ints).</param>
    /// <param name="trainRows">The rows the choice may read.</param>
    public static double[] MutualInformation(float[] codes, int latents, int[] labels, int[] trainRows)
    {
        var classes = trainRows.Select(r => labels[r]).Distinct().Order().ToArray();
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        int nc = classes.Length;
        // fired[k, c]: training rows of class c on which concept k fires.
        var fired = new long[latents * nc];
        var perClass = new long[nc];
        foreach (int r in trainRows)
        {
            int c = classIndex[labels[r]];
            perClass[c]++;
            var row = codes.AsSpan(r * latents, latents);
            for (int k = 0; k < latents; k++) if (row[k] > 0) fired[k * nc + c]++;
        }
        double n = trainRows.Length;
        var mi = new double[latents];
        for (int k = 0; k < latents; k++)
        {
            long on = 0;
            for (int c = 0; c < nc; c++) on += fired[k * nc + c];
            double pOn = on / n, pOff = 1 - pOn, sum = 0;
            for (int c = 0; c < nc; c++)
            {
                double pc = perClass[c] / n;
                double joinOn = fired[k * nc + c] / n, joinOff = (perClass[c] - fired[k * nc + c]) / n;
                if (joinOn > 0) sum += joinOn * Math.Log2(joinOn / (pOn * pc));
                if (joinOff > 0) sum += joinOff * Math.Log2(joinOff / (pOff * pc));
            }
            mi[k] = Math.Max(0, sum);   // rounding can leave −1e-17 for an independent concept
        }
        return mi;
    }

    /// <summary>Concepts by decreasing mutual information with the class (ties: lower index first).</summary>
    public static int[] Ranking(double[] mutualInformation)
    {
        var order = Enumerable.Range(0, mutualInformation.Length).ToArray();
        Array.Sort(order, (a, b) => mutualInformation[a] != mutualInformation[b] ? mutualInformation[b].CompareTo(mutualInformation[a]) : a.CompareTo(b));
        return order;
    }
}
