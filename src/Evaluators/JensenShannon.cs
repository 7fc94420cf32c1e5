using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// The probability form of the overlap (Bíla et al. 2025, §3): each feature's ã and each cluster's c̃
/// become distributions over samples, p_k(n) = ã_nk/Σ_m ã_mk and q_j(n) = c̃_nj/Σ_m c̃_mj, compared
/// by the Jensen–Shannon divergence in bits, JSD = ½KL(p‖m) + ½KL(q‖m), m = (p+q)/2, in [0, 1]
/// (0 log 0 = 0). NaN for a constant feature or one whose ã sums to 0.
/// </summary>
public static class JensenShannon
{
    /// <summary>Work limit (J·K·N) up to which <see cref="Pairs"/> scores every pair.</summary>
    public const long AllPairsLimit = 50_000_000;

    /// <summary>JSD in bits between two non-negative profiles (normalised here).</summary>
    public static double Divergence(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sa = 0, sb = 0;
        foreach (var v in a) sa += v;
        foreach (var v in b) sb += v;
        if (!(sa > 0) || !(sb > 0)) return double.NaN;
        double kl = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double p = a[i] / sa, q = b[i] / sb, m = (p + q) / 2;
            if (p > 0) kl += p * Math.Log2(p / m);
            if (q > 0) kl += q * Math.Log2(q / m);
        }
        return Math.Max(0, kl / 2);
    }

    /// <summary>
    /// JSD of cluster–feature pairs. Every pair when J·K·N ≤ <see cref="AllPairsLimit"/> and
    /// <paramref name="candidatesPerCluster"/> is null; otherwise, for each cluster, its
    /// <paramref name="candidatesPerCluster"/> (default 10) features of highest overlap (the
    /// cosine of the two profiles). Rows: cluster, feature, overlap, jsd.
    /// </summary>
    public static EvaluationReport Pairs(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, OverlapReport overlap, int? candidatesPerCluster = null)
    {
        int j = centroids.Rows, k = codes.Cols;
        bool all = candidatesPerCluster is null && (long)j * k * codes.Rows <= AllPairsLimit;
        var pairs = new List<(int J, int K)>();
        if (all)
        {
            for (int c = 0; c < j; c++) for (int f = 0; f < k; f++) pairs.Add((c, f));
        }
        else
        {
            int m = candidatesPerCluster ?? 10;
            EvaluatorChecks.Positive(m, "candidates per cluster");
            var sel = new TopNSelector(j, m);
            for (int c = 0; c < j; c++)
                for (int f = 0; f < k; f++)
                    if (!double.IsNaN(overlap[c, f])) sel.Offer(c, (float)overlap[c, f], f);
            for (int c = 0; c < j; c++) foreach (var f in sel.RowsOf(c)) pairs.Add((c, (int)f));
        }
        return ForPairs(codes, activations, centroids, overlap, pairs)
            .WithParameter("mode", all ? "all pairs" : $"top {candidatesPerCluster ?? 10} overlap candidates per cluster");
    }

    /// <summary>JSD of the given pairs (e.g. the matches above τ).</summary>
    public static EvaluationReport ForPairs(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, OverlapReport overlap, IReadOnlyList<(int Cluster, int Feature)> pairs)
    {
        EvaluatorChecks.SameRows(codes, activations);
        var scaling = MinMaxScaling.Fit(codes);
        int n = codes.Rows;
        var clusterCols = new Dictionary<int, double[]>();
        var featureCols = new Dictionary<int, double[]>();
        var jsd = new double[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            var (c, f) = pairs[i];
            if (scaling.IsConstant(f)) { jsd[i] = double.NaN; continue; }
            if (!clusterCols.TryGetValue(c, out var q)) clusterCols[c] = q = Overlap.ClusterColumn(activations, centroids, c);
            if (!featureCols.TryGetValue(f, out var p))
            {
                p = new double[n];
                for (int r = 0; r < n; r++) p[r] = scaling.Scale(f, codes.Data[(long)r * codes.Cols + f]);
                featureCols[f] = p;
            }
            jsd[i] = Divergence(p, q);
        }
        return new EvaluationReport("Jensen-Shannon divergence (bits)")
            .Add("cluster", pairs.Select(p => p.Cluster).ToArray())
            .Add("feature", pairs.Select(p => p.Feature).ToArray())
            .Add("overlap", pairs.Select(p => overlap[p.Cluster, p.Feature]).ToArray())
            .Add("jsd", jsd)
            .WithParameter("samples", n);
    }
}
