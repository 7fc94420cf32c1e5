using Microsoft.ML;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// Overlap between clusters and SAE features (Bíla et al. 2025, eq. 1):
/// O_jk = Σ_n c̃_nj ã_nk / √(Σ_n c̃_nj² · Σ_n ã_nk²), with ã the min–max scaled codes and c̃ the
/// smoothed membership d̃ = (1 + cos(a_n, μ_j))/2 (eq. 4), i.e. the cosine between the two sample
/// profiles; optionally centred (<see cref="OverlapOptions.Centred"/>). A constant feature
/// (including an all-zero one) has no ã, so its overlaps are NaN. High overlap (O ≥ τ) marks a
/// match (the paper's "≤ τ" is a typo); <see cref="OverlapMatching"/> adds the one-to-one view.
/// All forms take ONE pass over the codes and activations a block of rows at a time
/// (<see cref="OverlapPass"/>: memberships computed per block, float64 sums), so files of any size
/// work: a block of B rows holds B·(d + 2J) float32 values beside the view's blocks (B·(K + d) for
/// dense files, read in place when memory-mapped) plus 8·(J + 3)·K bytes of sums; CSR codes cost
/// O(nnz·J) for the cross sums instead of O(N·K·J).
/// </summary>
public static class Overlap
{
    /// <summary>
    /// Computes every overlap. <paramref name="codes"/>: N × K SAE codes; <paramref name="activations"/>:
    /// N × d activations that were clustered; <paramref name="centroids"/>: J × d.
    /// </summary>
    public static OverlapReport Compute(DenseMatrix codes, DenseMatrix activations, DenseMatrix centroids, OverlapOptions? options = null)
    {
        options ??= new OverlapOptions();
        CheckShapes(codes.Name, codes.Rows, activations.Name, activations.Rows, activations.Cols, centroids);
        int k = codes.Cols, d = activations.Cols, n = codes.Rows;
        int block = Block(options, Math.Max(Math.Max(k, d), centroids.Rows), n);
        var pass = new OverlapPass(centroids, k);
        for (int first = 0; first < n; first += block)
        {
            int rows = Math.Min(block, n - first);
            pass.AddDense(codes.Data.AsSpan(first * k, rows * k), activations.Data.AsSpan(first * d, rows * d), rows, first, codes.Name, activations.Name);
        }
        return pass.Finish(options.Centred);
    }

    /// <summary>
    /// Computes every overlap from files read in blocks (<c>.npy</c> of any size, memory-mapped; codes may
    /// be CSR <c>.npz</c>), through the view form.
    /// </summary>
    public static OverlapReport Compute(MatrixFile codes, MatrixFile activations, DenseMatrix centroids, OverlapOptions? options = null)
    {
        if (activations.IsSparse) throw new ConceptDataException($"{activations.Path}: activations must be a dense .npy, not sparse codes.");
        CheckShapes(codes.Path, codes.Rows, activations.Path, activations.Rows, activations.Cols, centroids);
        using var view = new Microsoft.ML.MLContext().Data.LoadFromMatrixFiles(("codes", codes.Path), ("activations", activations.Path));
        return Compute(view, "codes", "activations", centroids, options, codes.Path, activations.Path);
    }

    /// <summary>
    /// Computes every overlap from two float vector columns of a view, in one pass a block of rows at a
    /// time: <paramref name="codesColumn"/> (N × K SAE codes, dense or sparse) and
    /// <paramref name="activationsColumn"/> (N × d clustered activations, rows aligned).
    /// </summary>
    public static OverlapReport Compute(IDataView view, string codesColumn, string activationsColumn, DenseMatrix centroids, OverlapOptions? options = null)
        => Compute(view, codesColumn, activationsColumn, centroids, options, codesColumn, activationsColumn);

    private static OverlapReport Compute(IDataView view, string codesColumn, string activationsColumn, DenseMatrix centroids, OverlapOptions? options,
        string codesSource, string activationsSource)
    {
        options ??= new OverlapOptions();
        var zCol = ViewColumns.Vector(view.Schema, codesColumn);
        var xCol = ViewColumns.Vector(view.Schema, activationsColumn);
        long n = view.GetRowCount() ?? RowBlockReader.CountRows(view);
        CheckShapes(codesSource, n, activationsSource, n, xCol.Width, centroids);
        int k = zCol.Width;
        int block = Block(options, Math.Max(Math.Max(k, xCol.Width), centroids.Rows), n);
        var pass = new OverlapPass(centroids, k);
        using var cursor = new RowBlockReader(view, [codesColumn, activationsColumn], block);
        bool sparse = cursor.IsSparse(codesColumn);
        while (cursor.MoveNext())
        {
            var x = cursor.Floats(activationsColumn);
            if (sparse) pass.AddSparse(cursor.Sparse(codesColumn), x, cursor.BlockStart, codesSource, activationsSource);
            else pass.AddDense(cursor.Floats(codesColumn), x, cursor.BlockRows, cursor.BlockStart, codesSource, activationsSource);
        }
        if (pass.Rows == 0) throw new ConceptDataException($"{codesSource} has no rows; overlaps need at least one sample.");
        return pass.Finish(options.Centred);
    }

    private static int Block(OverlapOptions options, int width, long rows)
    {
        int b = MonoSemanticity.BlockRows(width);
        if (options.BlockRows is int asked) { EvaluatorChecks.Positive(asked, "block rows"); b = asked; }
        // Never more rows than there are, and a block of rows × width floats must fit in one array.
        return (int)Math.Max(1, Math.Min(Math.Min(b, rows), Array.MaxLength / Math.Max(1, width)));
    }

    private static void CheckShapes(string codesName, long codeRows, string activationsName, long activationRows, int activationCols, DenseMatrix centroids)
    {
        if (codeRows == 0) throw new ConceptDataException($"{codesName} has no rows; overlaps need at least one sample.");
        if (codeRows != activationRows)
            throw new ConceptDataException($"{codesName} has {codeRows} rows but {activationsName} has {activationRows}; rows must be aligned (one per sample).");
        if (activationCols != centroids.Cols)
            throw new ConceptDataException($"{activationsName} has {activationCols} columns but {centroids.Name} has {centroids.Cols}; centroids must live in the activation space.");
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
