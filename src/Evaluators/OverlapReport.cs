using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// All cluster–feature overlaps O (J × K, row-major, NaN for constant features) and the reports
/// drawn from them: matches above a threshold (many-to-many) and how many distinct features they
/// use, the one-to-one matching (<see cref="OverlapMatching"/>), the best feature of each cluster
/// and the best cluster of each feature.
/// </summary>
public sealed class OverlapReport
{
    internal OverlapReport(double[] values, int clusters, int features, long samples, bool centred)
    {
        Centred = centred;
        Values = values;
        Clusters = clusters;
        Features = features;
        Samples = samples;
    }

    /// <summary>O_jk at <c>[j * Features + k]</c>.</summary>
    public double[] Values { get; }
    /// <summary>Number of clusters J.</summary>
    public int Clusters { get; }
    /// <summary>Number of SAE features K.</summary>
    public int Features { get; }
    /// <summary>Number of samples N the overlaps were computed over.</summary>
    public long Samples { get; }
    /// <summary>True for the centred variant (<see cref="OverlapOptions.Centred"/>).</summary>
    public bool Centred { get; }

    /// <summary>One overlap.</summary>
    public double this[int cluster, int feature] => Values[(long)cluster * Features + feature];

    /// <summary>The overlaps as float32 (for <c>overlap.npy</c>).</summary>
    public float[] ToFloat32() => Values.Select(v => (float)v).ToArray();

    /// <summary>Pairs with O_jk ≥ τ, by decreasing overlap (ties: cluster, then feature).</summary>
    public EvaluationReport Matches(double tau)
    {
        var pairs = new List<(int J, int K, double O)>();
        for (int j = 0; j < Clusters; j++)
            for (int k = 0; k < Features; k++)
                if (this[j, k] >= tau) pairs.Add((j, k, this[j, k]));
        pairs.Sort((a, b) => a.O != b.O ? b.O.CompareTo(a.O) : a.J != b.J ? a.J.CompareTo(b.J) : a.K.CompareTo(b.K));
        return Frame("overlap matches", pairs).WithParameter("tau", tau);
    }

    /// <summary>
    /// Distinct features among the pairs with O_jk ≥ τ. Far fewer distinct features than matched
    /// clusters means a few broad features match many clusters at once.
    /// </summary>
    public int DistinctFeaturesMatched(double tau)
    {
        var seen = new bool[Features];
        for (int j = 0; j < Clusters; j++)
            for (int k = 0; k < Features; k++)
                if (this[j, k] >= tau) seen[k] = true;
        return seen.Count(b => b);
    }

    /// <summary>Clusters with at least one feature at O_jk ≥ τ.</summary>
    public int ClustersMatched(double tau)
        => Enumerable.Range(0, Clusters).Count(j => Enumerable.Range(0, Features).Any(k => this[j, k] >= tau));

    /// <summary>
    /// The one-to-one matching (<see cref="OverlapMatching.OneToOne"/>) as a frame: one row per
    /// matched pair, by decreasing overlap, with a column saying whether O_jk ≥ τ.
    /// </summary>
    public EvaluationReport OneToOne(double tau)
    {
        var pairs = OverlapMatching.OneToOne(this).Select(p => (p.Cluster, p.Feature, p.Overlap)).ToList();
        pairs.Sort((a, b) => a.Overlap != b.Overlap ? b.Overlap.CompareTo(a.Overlap) : a.Cluster.CompareTo(b.Cluster));
        return Frame("one-to-one matching", pairs)
            .Add("matched", pairs.Select(p => p.Overlap >= tau).ToArray())
            .WithParameter("tau", tau);
    }

    /// <summary>For each cluster, the feature with the largest overlap (NaN overlaps skipped; -1 when none).</summary>
    public EvaluationReport BestFeaturePerCluster()
    {
        var pairs = new List<(int J, int K, double O)>();
        for (int j = 0; j < Clusters; j++)
        {
            int best = -1; double o = double.NaN;
            for (int k = 0; k < Features; k++)
                if (!double.IsNaN(this[j, k]) && (best < 0 || this[j, k] > o)) { best = k; o = this[j, k]; }
            pairs.Add((j, best, o));
        }
        return Frame("best feature per cluster", pairs);
    }

    /// <summary>For each feature, the cluster with the largest overlap (-1 and NaN for a constant feature).</summary>
    public EvaluationReport BestClusterPerFeature()
    {
        var pairs = new List<(int J, int K, double O)>();
        for (int k = 0; k < Features; k++)
        {
            int best = -1; double o = double.NaN;
            for (int j = 0; j < Clusters; j++)
                if (!double.IsNaN(this[j, k]) && (best < 0 || this[j, k] > o)) { best = j; o = this[j, k]; }
            pairs.Add((best, k, o));
        }
        return Frame("best cluster per feature", pairs);
    }

    private EvaluationReport Frame(string title, List<(int J, int K, double O)> pairs)
        => new EvaluationReport(title)
            .Add("cluster", pairs.Select(p => p.J).ToArray())
            .Add("feature", pairs.Select(p => p.K).ToArray())
            .Add("overlap", pairs.Select(p => p.O).ToArray())
            .WithParameter("clusters", Clusters).WithParameter("features", Features).WithParameter("samples", Samples)
            .WithParameter("overlap", Centred ? "centred" : "eq. 1");
}
