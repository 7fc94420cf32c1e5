namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, with the greedy refinement that
/// scikit-learn uses): the first centre is a uniformly random row; each further centre is the
/// best of 2 + ⌊ln k⌋ candidates drawn with probability proportional to the squared distance
/// to the nearest centre chosen so far, "best" meaning the candidate that leaves the smallest
/// total squared distance (potential).
/// </summary>
internal static class KMeansPlusPlus
{
    /// <summary>Number of candidates per step, 2 + ⌊ln k⌋.</summary>
    public static int Trials(int k) => 2 + (int)Math.Log(k);

    /// <summary>Chooses <paramref name="k"/> rows of <paramref name="x"/> (n × d) as initial centres (k × d).</summary>
    public static float[] Seed(ReadOnlySpan<float> x, ReadOnlySpan<float> xNorms, int n, int d, int k, Random rng)
    {
        var centres = new float[k * d];
        int trials = Trials(k);
        int first = rng.Next(n);
        x.Slice(first * d, d).CopyTo(centres);

        var closest = new double[n];
        var one = new float[n];
        SquaredDistances.Gemm(x, xNorms, n, centres.AsSpan(0, d), xNorms.Slice(first, 1), 1, d, one);
        double potential = 0;
        for (int i = 0; i < n; i++) { closest[i] = one[i]; potential += one[i]; }

        var cumulative = new double[n];
        var candidates = new int[trials];
        var candidateRows = new float[trials * d];
        var candidateNorms = new float[trials];
        var dist = new float[n * trials];
        var potentials = new double[trials];
        for (int c = 1; c < k; c++)
        {
            double run = 0;
            for (int i = 0; i < n; i++) { run += closest[i]; cumulative[i] = run; }
            for (int t = 0; t < trials; t++)
            {
                double r = rng.NextDouble() * run;
                int id = Array.BinarySearch(cumulative, r);
                if (id < 0) id = ~id;
                else while (id > 0 && cumulative[id - 1] == r) id--; // first index with cumulative ≥ r
                candidates[t] = Math.Min(id, n - 1);
                x.Slice(candidates[t] * d, d).CopyTo(candidateRows.AsSpan(t * d, d));
                candidateNorms[t] = xNorms[candidates[t]];
            }
            SquaredDistances.Gemm(x, xNorms, n, candidateRows, candidateNorms, trials, d, dist);
            Array.Clear(potentials);
            for (int i = 0; i < n; i++)
                for (int t = 0; t < trials; t++)
                    potentials[t] += Math.Min(closest[i], dist[i * trials + t]);
            int best = 0;
            for (int t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
            for (int i = 0; i < n; i++) closest[i] = Math.Min(closest[i], dist[i * trials + best]);
            x.Slice(candidates[best] * d, d).CopyTo(centres.AsSpan(c * d, d));
        }
        return centres;
    }
}
