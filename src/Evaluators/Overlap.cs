using MlNetConcepts.Compute;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Overlap between clusters and SAE features (seed 000 eq. 1):
/// O_jk = Σ_n c̃_nj ã_nk / √(Σ_n c̃_nj² · Σ_n ã_nk²), with ã the min–max scaled codes and c̃ the
/// smoothed membership d̃ = (1 + cos(a_n, μ_j))/2, i.e. the cosine between the two sample
/// profiles. All J×K pairs come from one GEMM C̃ᵀÃ accumulated over sample blocks (float64
/// sums). A constant feature (including an all-zero one) has no ã, so its overlaps are NaN.
/// High overlap (O ≥ τ) marks a match (the paper's "≤ τ" is a typo).
/// </summary>
public static class Overlap
{
    /// <summary>
    /// Computes every overlap. <paramref name="codes"/>: N × K SAE codes; <paramref name="activations"/>:
    /// N × d activations that were clustered; <paramref name="centroids"/>: J × d.
    /// </summary>
    public static OverlapReport Compute(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids)
    {
        EvaluatorChecks.SameRows(codes, activations);
        var scaling = MinMaxScaling.Fit(codes);
        var membership = new ClusterMembership(activations, centroids);
        int n = codes.Rows, k = codes.Cols, j = centroids.Rows;
        int block = MonoSemanticity.BlockRows(Math.Max(k, activations.Cols));
        var a = new float[block * k];
        var c = new float[block * j];
        var product = new float[(long)j * k];
        var cross = new double[(long)j * k];
        var a2 = new double[k];
        var c2 = new double[j];
        for (int first = 0; first < n; first += block)
        {
            int rows = Math.Min(block, n - first);
            scaling.ScaleBlock(codes, first, rows, a);
            membership.Block(first, rows, c);
            Gemm.Sgemm(true, false, j, k, rows, 1f, c, j, a, k, 0f, product, k);
            for (long i = 0; i < cross.LongLength; i++) cross[i] += product[i];
            for (int r = 0; r < rows; r++)
            {
                for (int x = 0; x < k; x++) { double v = a[r * k + x]; a2[x] += v * v; }
                for (int x = 0; x < j; x++) { double v = c[r * j + x]; c2[x] += v * v; }
            }
        }
        var o = new double[(long)j * k];
        for (int cl = 0; cl < j; cl++)
        {
            for (int f = 0; f < k; f++)
            {
                double den = Math.Sqrt(c2[cl] * a2[f]);
                o[(long)cl * k + f] = scaling.IsConstant(f) || den == 0 ? double.NaN : cross[(long)cl * k + f] / den;
            }
        }
        return new OverlapReport(o, j, k, n);
    }

    /// <summary>
    /// Core representatives of a cluster–feature pair: the <paramref name="count"/> samples with the
    /// largest c̃_nj·ã_nk (ties: earlier sample first), best first, with their products.
    /// </summary>
    public static ReportFrame CoreRepresentatives(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, int cluster, int feature, int count)
    {
        EvaluatorChecks.SameRows(codes, activations);
        if ((uint)cluster >= (uint)centroids.Rows) throw new ConceptDataException($"Cluster {cluster} is out of range (there are {centroids.Rows}).");
        if ((uint)feature >= (uint)codes.Cols) throw new ConceptDataException($"Feature {feature} is out of range (there are {codes.Cols}).");
        var scaling = MinMaxScaling.Fit(codes);
        var membership = ClusterColumn(activations, centroids, cluster);
        var selector = new TopNSelector(1, count);
        for (int n = 0; n < codes.Rows; n++)
            selector.Offer(0, (float)(membership[n] * scaling.Scale(feature, codes.Data[(long)n * codes.Cols + feature])), n);
        var (rows, values) = selector.Sorted(0);
        return new ReportFrame($"core representatives of cluster {cluster} and feature {feature}")
            .Add("sample", rows)
            .Add("score", values.Select(v => (double)v).ToArray())
            .WithParameter("cluster", cluster).WithParameter("feature", feature).WithParameter("count", count);
    }

    /// <summary>c̃ of one cluster for every sample, in float64.</summary>
    internal static double[] ClusterColumn(DenseMatrix activations, DenseMatrix centroids, int cluster)
    {
        EvaluatorChecks.SameCols(activations, centroids, "centroids must live in the activation space");
        var mu = centroids.Row(cluster);
        double nm = 0;
        foreach (var v in mu) nm += (double)v * v;
        nm = Math.Sqrt(nm);
        if (nm == 0) throw new ConceptDataException($"{centroids.Name}: row {cluster} is all zeros, so its cosine similarity is undefined.");
        var norms = UnitRows.Norms(activations);
        var col = new double[activations.Rows];
        for (int n = 0; n < col.Length; n++)
        {
            var x = activations.Row(n);
            double dot = 0;
            for (int i = 0; i < x.Length; i++) dot += (double)x[i] * mu[i];
            col[n] = (1 + Math.Clamp(dot / (norms[n] * nm), -1, 1)) / 2;
        }
        return col;
    }
}
