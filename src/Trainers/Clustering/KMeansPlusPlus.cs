namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, with the greedy refinement that
/// scikit-learn uses): the first centre is a uniformly random row; each further centre is the
/// best of 2 + ⌊ln k⌋ candidates drawn with probability proportional to the squared distance
/// to the nearest centre chosen so far, "best" meaning the candidate that leaves the smallest
/// total squared distance (potential).
/// Each further centre costs one pass over the rows (two when the rows are streamed and the candidate
/// distances, n × (2 + ⌊ln k⌋) floats, exceed <see cref="StreamedCacheBytes"/>); the draws, sums and
/// products are the in-memory ones, so both give the same centres for a seed. The distances come from
/// <see cref="FusedCandidateDistances"/> where Lloyd runs its fused kernel, otherwise from
/// <see cref="GemmCandidateDistances"/> (SGEMM through the compute backend, the reference); the two round
/// differently, so they agree on the potentials to float precision and on the centres unless two
/// candidates leave potentials within rounding of each other.
/// </summary>
internal static class KMeansPlusPlus
{
    /// <summary>Number of candidates per step, 2 + ⌊ln k⌋.</summary>
    public static int Trials(int k) => 2 + (int)Math.Log(k);

    /// <summary>Most bytes of candidate distances kept between the two uses of a step when the rows are streamed (256 MiB).</summary>
    public static long StreamedCacheBytes => StreamedCacheBytesOverride ?? 256L << 20;

    /// <summary>Tests set this (on their own thread) to take the two-pass path on small data.</summary>
    [ThreadStatic]
    internal static long? StreamedCacheBytesOverride;

    /// <summary>Chooses <paramref name="k"/> rows of <paramref name="x"/> (n × d, in memory) as initial centres (k × d).</summary>
    public static float[] Seed(float[] x, float[] xNorms, int n, int d, int k, Random rng)
        => Seed(new InMemoryRows(x, xNorms, n, d), k, rng);

    /// <summary>
    /// Chooses <paramref name="k"/> rows as initial centres (k × d); besides one block it holds 8 bytes a row (the closest distance and, on the fused path, whose centre it is)
    /// (and the candidate distances, see the class). <paramref name="path"/>: <see cref="LloydPath.Fused"/> scores the
    /// candidates with <see cref="FusedCandidateDistances"/>, <see cref="LloydPath.Blocked"/> and
    /// <see cref="LloydPath.Reference"/> with <see cref="GemmCandidateDistances"/>, <see cref="LloydPath.Auto"/> as
    /// <see cref="Lloyd.Resolve"/> decides. <paramref name="trace"/>, if given, sees every step's potentials.
    /// </summary>
    public static float[] Seed(LloydRows rows, int k, Random rng, LloydPath path = LloydPath.Auto, Action<int, double[]>? trace = null)
    {
        int n = rows.Count, d = rows.Dimension, trials = Trials(k);
        CandidateDistances distances = Lloyd.Resolve(path) == LloydPath.Fused ? new FusedCandidateDistances(rows) : new GemmCandidateDistances(rows);
        var buffer = new RowBuffer();
        var centres = new float[k * d];
        int first = rng.Next(n);
        float firstNorm = rows.CopyRow(first, centres.AsSpan(0, d), buffer);

        // closest[i] only ever holds float distances, so float storage loses nothing.
        var closest = new float[n];
        Array.Fill(closest, float.PositiveInfinity);
        distances.Fold(centres, 0, centres[..d], [firstNorm], 1, 0, closest, null);

        bool cache = rows.IsInMemory || (long)n * trials * sizeof(float) <= StreamedCacheBytes;
        var all = cache ? new float[(long)n * trials] : null;
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

            distances.Score(centres, c, candidateRows, candidateNorms, trials, closest, all, potentials);
            trace?.Invoke(c, potentials);
            int best = 0;
            for (int t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
            distances.Fold(centres, c, candidateRows, candidateNorms, trials, best, closest, all);
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
