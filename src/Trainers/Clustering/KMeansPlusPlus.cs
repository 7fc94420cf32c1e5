namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, with the greedy refinement that
/// scikit-learn uses): the first centre is a uniformly random row; each further centre is the
/// best of 2 + ⌊ln k⌋ candidates drawn with probability proportional to the squared distance
/// to the nearest centre chosen so far, "best" meaning the candidate that leaves the smallest
/// total squared distance (potential).
/// On streamed rows each further centre costs one pass over the data (two when the candidate
/// distances, n × (2 + ⌊ln k⌋) floats, exceed <see cref="StreamedCacheBytes"/>); the draws, sums and
/// products are the in-memory ones, so both give the same centres for a seed.
/// </summary>
internal static class KMeansPlusPlus
{
    /// <summary>Number of candidates per step, 2 + ⌊ln k⌋.</summary>
    public static int Trials(int k) => 2 + (int)Math.Log(k);

    /// <summary>Rows per distance product (from row 0, so in-memory and streamed passes make the same products).</summary>
    private const int ProductRows = Lloyd.BlockRows;

    /// <summary>Most bytes of candidate distances kept between the two uses of a step when the rows are streamed (256 MiB).</summary>
    public static long StreamedCacheBytes => StreamedCacheBytesOverride ?? 256L << 20;

    /// <summary>Tests set this (on their own thread) to take the two-pass path on small data.</summary>
    [ThreadStatic]
    internal static long? StreamedCacheBytesOverride;

    /// <summary>Chooses <paramref name="k"/> rows of <paramref name="x"/> (n × d, in memory) as initial centres (k × d).</summary>
    public static float[] Seed(float[] x, float[] xNorms, int n, int d, int k, Random rng)
        => Seed(new InMemoryRows(x, xNorms, n, d), k, rng);

    /// <summary>Chooses <paramref name="k"/> rows as initial centres (k × d); besides one block it holds 4 bytes a row.</summary>
    public static float[] Seed(LloydRows rows, int k, Random rng)
    {
        int n = rows.Count, d = rows.Dimension, trials = Trials(k);
        int sub = Math.Min(ProductRows, n);
        var buffer = new RowBuffer();
        var centres = new float[k * d];
        int first = rng.Next(n);
        float firstNorm = rows.CopyRow(first, centres.AsSpan(0, d), buffer);

        // closest[i] only ever holds float distances, so float storage loses nothing.
        var closest = new float[n];
        rows.ForEach(sub, (start, count, xs, norms) =>
            SquaredDistances.Gemm(xs, norms, count, centres.AsSpan(0, d), [firstNorm], 1, d, closest.AsSpan(start, count)), buffer);

        bool cache = rows.IsInMemory || (long)n * trials * sizeof(float) <= StreamedCacheBytes;
        var all = cache ? new float[(long)n * trials] : null;
        var dist = new float[sub * trials];
        var draws = new double[trials];
        var candidates = new int[trials];
        var candidateRows = new float[trials * d];
        var candidateNorms = new float[trials];
        var potentials = new double[trials];
        for (int c = 1; c < k; c++)
        {
            double run = 0;
            for (int i = 0; i < n; i++) run += closest[i];
            for (int t = 0; t < trials; t++) draws[t] = rng.NextDouble() * run;
            FirstReaching(closest, draws, candidates);
            for (int t = 0; t < trials; t++)
                candidateNorms[t] = rows.CopyRow(candidates[t], candidateRows.AsSpan(t * d, d), buffer);

            Array.Clear(potentials);
            rows.ForEach(sub, (start, count, xs, norms) =>
            {
                var block = all is null ? dist.AsSpan(0, count * trials) : all.AsSpan(start * trials, count * trials);
                SquaredDistances.Gemm(xs, norms, count, candidateRows, candidateNorms, trials, d, block);
                for (int i = 0; i < count; i++)
                    for (int t = 0; t < trials; t++)
                        potentials[t] += Math.Min(closest[start + i], block[i * trials + t]);
            }, buffer);
            int best = 0;
            for (int t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
            if (all is not null)
                for (int i = 0; i < n; i++) closest[i] = Math.Min(closest[i], all[(long)i * trials + best]);
            else
                // The same products again (same rows, same candidates), so the same distances as the first pass.
                rows.ForEach(sub, (start, count, xs, norms) =>
                {
                    var block = dist.AsSpan(0, count * trials);
                    SquaredDistances.Gemm(xs, norms, count, candidateRows, candidateNorms, trials, d, block);
                    for (int i = 0; i < count; i++) closest[start + i] = Math.Min(closest[start + i], block[i * trials + best]);
                }, buffer);
            candidateRows.AsSpan(best * d, d).CopyTo(centres.AsSpan(c * d, d));
        }
        return centres;
    }

    /// <summary>
    /// For every draw r, the first row whose running total of <paramref name="weights"/> reaches r
    /// (the last row if none does): inverse-CDF sampling in one pass over the rows.
    /// </summary>
    internal static void FirstReaching(ReadOnlySpan<float> weights, ReadOnlySpan<double> draws, Span<int> rows)
    {
        var order = Enumerable.Range(0, draws.Length).ToArray();
        var keys = draws.ToArray();
        Array.Sort(keys, order);
        int next = 0;
        double run = 0;
        for (int i = 0; i < weights.Length && next < order.Length; i++)
        {
            run += weights[i];
            while (next < order.Length && run >= keys[next]) rows[order[next++]] = i;
        }
        while (next < order.Length) rows[order[next++]] = weights.Length - 1;
    }
}
