using MlNetConcepts.Evaluators;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// What a study reports of one SAE–clusterer overlap matrix (Bíla et al. 2025, eq. 1): matches
/// (O_jk ≥ τ), the one-to-one matching, the heat map, the concepts only one side found, and the
/// core representatives of the best matches (computed by the caller, in memory or in blocks).
/// </summary>
internal static class ComparisonSummary
{
    private const int HeatSize = 16;

    public static ComparisonResult Build(StudyConfig config, string saeName, string clusterName, OverlapReport overlap, double[] energy,
        Func<IReadOnlyList<MatchedPair>, List<int[]>> coreRows)
    {
        // SAE codes are non-negative, so a feature fires on some sample exactly when its energy (mean code) is positive.
        var live = Enumerable.Range(0, energy.Length).Where(k => energy[k] > 0).ToArray();
        var matches = new List<MatchedPair>();
        var clusterMatched = new bool[overlap.Clusters];
        var featureMatched = new bool[overlap.Features];
        double bestSum = 0;
        for (int j = 0; j < overlap.Clusters; j++)
        {
            double best = 0;
            for (int k = 0; k < overlap.Features; k++)
            {
                double o = overlap[j, k];
                if (double.IsNaN(o)) continue;
                best = Math.Max(best, o);
                if (o >= config.Tau)
                {
                    matches.Add(new MatchedPair(j, k, o));
                    clusterMatched[j] = true;
                    featureMatched[k] = true;
                }
            }
            bestSum += best;
        }
        matches.Sort((a, b) => b.Overlap.CompareTo(a.Overlap));
        var oneToOne = OverlapMatching.Summarize(overlap, config.Tau);
        var core = coreRows(matches.Take(config.ReportPairs).ToList());
        // Heat map: the clusters with the highest best overlap and their best features.
        var heatClusters = Enumerable.Range(0, overlap.Clusters)
            .Select(j => (j, best: Enumerable.Range(0, overlap.Features).Select(k => (k, o: overlap[j, k])).Where(p => !double.IsNaN(p.o)).DefaultIfEmpty((k: -1, o: 0.0)).MaxBy(p => p.o)))
            .OrderByDescending(p => p.best.o).Take(HeatSize).ToList();
        var heatFeatures = heatClusters.Select(p => p.best.k).Where(k => k >= 0).Distinct().ToArray();
        var heat = heatClusters.SelectMany(p => heatFeatures.Select(k => overlap[p.j, k])).ToArray();
        return new ComparisonResult
        {
            HeatClusters = heatClusters.Select(p => p.j).ToArray(),
            HeatFeatures = heatFeatures,
            Heat = heat,
            Sae = saeName,
            Clusters = clusterName,
            ClustersMatched = clusterMatched.Count(b => b) / (double)overlap.Clusters,
            FeaturesMatched = live.Length == 0 ? 0 : live.Count(k => featureMatched[k]) / (double)live.Length,
            MeanBestOverlap = bestSum / overlap.Clusters,
            OneToOneMatched = oneToOne.ClusterFraction,
            OneToOneMatches = oneToOne.Matched,
            OneToOneMeanOverlap = oneToOne.MeanOverlap,
            DistinctFeaturesMatched = oneToOne.DistinctFeaturesMatched,
            OneToOne = oneToOne.Pairs.OrderByDescending(p => p.Overlap).ToList(),
            Matches = matches,
            ClustersOnly = Enumerable.Range(0, overlap.Clusters).Where(j => !clusterMatched[j]).ToArray(),
            FeaturesOnly = live.Where(k => !featureMatched[k]).ToArray(),
            CoreRows = core,
        };
    }

}
