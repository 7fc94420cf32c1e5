using MlNetConcepts.Compute;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Overlap between clusters and SAE features (Bíla et al. 2025, eq. 1):
/// O_jk = Σ_n c̃_nj ã_nk / √(Σ_n c̃_nj² · Σ_n ã_nk²), with ã the min–max scaled codes and c̃ the
/// smoothed membership d̃ = (1 + cos(a_n, μ_j))/2 (eq. 4), i.e. the cosine between the two sample
/// profiles; optionally centred (<see cref="OverlapOptions.Centred"/>). A constant feature
/// (including an all-zero one) has no ã, so its overlaps are NaN. High overlap (O ≥ τ) marks a
/// match (the paper's "≤ τ" is a typo); <see cref="OverlapMatching"/> adds the one-to-one view.
/// Inputs are read a block of rows at a time with float64 sums, so files of any size work
/// (<see cref="MatrixFile"/>): the dense path holds B·(K + d + J) float32 values for a block of
/// B rows plus 12·J·K bytes of sums; the sparse path holds the CSR arrays (12 bytes per stored
/// value), B·(d + J) float32 values and 16·J·K bytes of sums, and costs O(nnz·J) for the codes
/// instead of O(N·K·J).
/// </summary>
public static class Overlap
{
    /// <summary>
    /// Computes every overlap. <paramref name="codes"/>: N × K SAE codes; <paramref name="activations"/>:
    /// N × d activations that were clustered; <paramref name="centroids"/>: J × d.
    /// </summary>
    public static OverlapReport Compute(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, OverlapOptions? options = null)
        => Compute(RowBlocks.Of(codes), RowBlocks.Of(activations), centroids, options);

    /// <summary>
    /// Computes every overlap from files read in blocks (<c>.npy</c> of any size; codes may be
    /// CSR <c>.npz</c>). Dense codes: one pass over the codes for their min and max, then one pass
    /// over codes and activations together. Sparse codes: one pass, O(nnz·J) for the codes; with
    /// a_nk = 0 off the stored entries, Σ_n c̃_nj ã_nk = (Σ_stored c̃_nj a_nk − min_k Σ_n c̃_nj)/(max_k − min_k),
    /// and Σã, Σã² follow from Σa, Σa² the same way, so ã is never formed.
    /// </summary>
    public static OverlapReport Compute(MatrixFile codes, MatrixFile activations, DenseMatrix centroids, OverlapOptions? options = null)
    {
        options ??= new OverlapOptions();
        if (activations.IsSparse) throw new ConceptDataException($"{activations.Path}: activations must be a dense .npy, not sparse codes.");
        var acts = RowBlocks.Of(activations);
        CheckShapes(codes.Path, codes.Rows, acts, centroids);
        if (codes.IsSparse) return OverlapSparse.Compute(codes, acts, centroids, options.Centred, Block(options, Math.Max(acts.Cols, centroids.Rows), codes.Rows));
        return Compute(RowBlocks.Of(codes), acts, centroids, options);
    }

    private static OverlapReport Compute(RowBlocks codes, RowBlocks activations, DenseMatrix centroids, OverlapOptions? options)
    {
        options ??= new OverlapOptions();
        CheckShapes(codes.Name, codes.Rows, activations, centroids);
        int k = codes.Cols, j = centroids.Rows;
        long n = codes.Rows;
        int block = Block(options, Math.Max(Math.Max(k, activations.Cols), j), n);
        var a = new float[block * k];
        var scaling = MinMaxScaling.Empty(k);
        for (long first = 0; first < n; first += block)
        {
            int rows = (int)Math.Min(block, n - first);
            codes.Read(first, rows, a);
            scaling.Update(a, rows);
        }
        var membership = new ClusterMembership(centroids);
        var x = new float[block * activations.Cols];
        var c = new float[block * j];
        var product = new float[(long)j * k];
        var sums = new OverlapSums(j, k);
        for (long first = 0; first < n; first += block)
        {
            int rows = (int)Math.Min(block, n - first);
            codes.Read(first, rows, a);
            scaling.ScaleBlock(a, rows, a);
            activations.Read(first, rows, x);
            membership.OfRows(x, rows, first, activations.Name, c);
            Gemm.Sgemm(true, false, j, k, rows, 1f, c, j, a, k, 0f, product, k);
            for (long i = 0; i < sums.Cross.LongLength; i++) sums.Cross[i] += product[i];
            AddSquares(a, rows, k, sums.A1, sums.A2);
            AddSquares(c, rows, j, sums.C1, sums.C2);
        }
        sums.Samples = n;
        return sums.Finish(scaling.IsConstant, options.Centred);
    }

    private static int Block(OverlapOptions options, int width, long rows)
    {
        int b = MonoSemanticity.BlockRows(width);
        if (options.BlockRows is int asked) { EvaluatorChecks.Positive(asked, "block rows"); b = asked; }
        // Never more rows than there are, and a block of rows × width floats must fit in one array.
        return (int)Math.Max(1, Math.Min(Math.Min(b, rows), Array.MaxLength / Math.Max(1, width)));
    }

    private static void CheckShapes(string codesName, long codeRows, RowBlocks activations, DenseMatrix centroids)
    {
        if (codeRows == 0) throw new ConceptDataException($"{codesName} has no rows; overlaps need at least one sample.");
        if (codeRows != activations.Rows)
            throw new ConceptDataException($"{codesName} has {codeRows} rows but {activations.Name} has {activations.Rows}; rows must be aligned (one per sample).");
        if (activations.Cols != centroids.Cols)
            throw new ConceptDataException($"{activations.Name} has {activations.Cols} columns but {centroids.Name} has {centroids.Cols}; centroids must live in the activation space.");
    }

    /// <summary>Adds each column's Σv and Σv² over a block (rows × width) in float64.</summary>
    internal static void AddSquares(ReadOnlySpan<float> block, int rows, int width, double[] sum, double[] squares)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = block.Slice(r * width, width);
            for (int x = 0; x < width; x++) { double v = row[x]; sum[x] += v; squares[x] += v * v; }
        }
    }

    /// <summary>
    /// Core representatives of a cluster–feature pair: the <paramref name="count"/> samples with the
    /// largest c̃_nj·ã_nk (ties: earlier sample first), best first, with their products.
    /// </summary>
    public static EvaluationReport CoreRepresentatives(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, int cluster, int feature, int count)
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
        return new EvaluationReport($"core representatives of cluster {cluster} and feature {feature}")
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
