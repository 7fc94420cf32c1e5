namespace MlNetConcepts.Evaluators;

/// <summary>
/// One-to-one agreement between clusters and SAE features: the assignment π that maximises
/// Σ_j O_j,π(j) (Bíla et al. 2025, eq. 1 overlaps) with each cluster and each feature used at
/// most once, so min(J, live K) pairs, solved exactly by <see cref="LinearAssignment"/>. Unlike
/// the many-to-many matches (every pair with O ≥ τ), a feature that fires on most samples can
/// stand for one cluster only; a pair counts as matched when its overlap is at least τ.
/// Features with NaN overlaps (constant, so no min–max scaling) take no part.
/// </summary>
public static class OverlapMatching
{
    /// <summary>The optimal one-to-one pairs, in cluster order.</summary>
    public static IReadOnlyList<MatchedPair> OneToOne(OverlapReport overlap)
    {
        var live = Enumerable.Range(0, overlap.Features).Where(k => Enumerable.Range(0, overlap.Clusters).Any(c => !double.IsNaN(overlap[c, k]))).ToArray();
        int j = overlap.Clusters, k = live.Length;
        if (k == 0) return [];
        var score = new double[(long)j * k];
        for (int c = 0; c < j; c++)
            for (int f = 0; f < k; f++)
            {
                double o = overlap[c, live[f]];
                // NaN only where a cluster's membership is constant (zero variance): no evidence either way.
                score[(long)c * k + f] = double.IsNaN(o) ? 0 : o;
            }
        var assignment = LinearAssignment.SolveMaximum(score, j, k);
        var pairs = new List<MatchedPair>();
        for (int c = 0; c < j; c++)
            if (assignment[c] >= 0) pairs.Add(new MatchedPair(c, live[assignment[c]], overlap[c, live[assignment[c]]]));
        return pairs;
    }

    /// <summary>Headline figures of the one-to-one matching at threshold <paramref name="tau"/>.</summary>
    public static OneToOneSummary Summarize(OverlapReport overlap, double tau)
    {
        var pairs = OneToOne(overlap);
        int matched = pairs.Count(p => p.Overlap >= tau);
        return new OneToOneSummary(
            Matched: matched,
            ClusterFraction: (double)matched / overlap.Clusters,
            MeanOverlap: pairs.Count == 0 ? double.NaN : pairs.Where(p => !double.IsNaN(p.Overlap)).Select(p => p.Overlap).DefaultIfEmpty(double.NaN).Average(),
            DistinctFeaturesMatched: overlap.DistinctFeaturesMatched(tau),
            Pairs: pairs);
    }
}

/// <summary>A cluster paired with an SAE feature.</summary>
/// <param name="Cluster">Cluster index j.</param>
/// <param name="Feature">Feature index k.</param>
/// <param name="Overlap">O_jk.</param>
public sealed record MatchedPair(int Cluster, int Feature, double Overlap);

/// <summary>One-to-one figures of an overlap matrix.</summary>
/// <param name="Matched">One-to-one pairs with O ≥ τ (each cluster and feature counted once).</param>
/// <param name="ClusterFraction"><paramref name="Matched"/> / J.</param>
/// <param name="MeanOverlap">Mean overlap of the min(J, live K) one-to-one pairs.</param>
/// <param name="DistinctFeaturesMatched">Distinct features among all pairs with O ≥ τ (many-to-many).</param>
/// <param name="Pairs">The one-to-one pairs, in cluster order.</param>
public sealed record OneToOneSummary(int Matched, double ClusterFraction, double MeanOverlap, int DistinctFeaturesMatched, IReadOnlyList<MatchedPair> Pairs);
