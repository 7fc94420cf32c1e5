using MlNetConcepts.Views;
using Microsoft.ML;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity score (Pach et al. 2025, eq. 9; clusters: Bíla et al. 2025, eqs. 4–5):
/// MS_k = Σ_{n&lt;m} w_nk w_mk s_nm / Σ_{n&lt;m} w_nk w_mk with s_nm the cosine of the auxiliary
/// embeddings of samples n and m, and w the min–max scaled neuron activation ã (neurons) or the
/// smoothed membership d̃ (clusters). Computed with the exact linear form (one GEMM per block
/// of samples, float64 sums), see <see cref="PairMeanAccumulator"/>.
/// Reports: one row per neuron/cluster with <c>ms</c> (NaN = dead: constant neuron, or weight on
/// at most one sample), <c>support</c> (samples with weight &gt; 0; MS saturates at 1 for a
/// neuron firing on a few near-duplicates, so read the two together) and <c>dead</c>.
/// </summary>
public static class MonoSemanticity
{
    /// <summary>
    /// MS of every neuron (SAE latent or raw neuron). <paramref name="activations"/>: N × K;
    /// <paramref name="embeddings"/>: N × e from an auxiliary image encoder (rows aligned).
    /// With <paramref name="topN"/>, weights are kept only on each neuron's N top-activating
    /// samples (ties: earlier sample first); min and max stay those of all samples.
    /// </summary>
    public static EvaluationReport Neurons(DenseMatrix activations, DenseMatrix embeddings, int? topN = null, IProgress<double>? progress = null)
    {
        EvaluatorChecks.SameRows(activations, embeddings);
        int n = activations.Rows, k = activations.Cols, e = embeddings.Cols;
        if (topN is null)
        {
            // One pass over blocks of the two matrices, read in place (NeuronMsPass).
            var pass = new NeuronMsPass(k, e);
            int block = BlockRows(k);
            for (int first = 0; first < n; first += block)
            {
                int rows = Math.Min(block, n - first);
                pass.AddDense(activations.Data.AsSpan(first * k, rows * k), embeddings.Data.AsSpan(first * e, rows * e), rows, first, activations.Name, embeddings.Name);
                progress?.Report((double)(first + rows) / n);
            }
            if (pass.Rows == 0) throw new ConceptDataException($"{activations.Name}: no rows.");
            return MonoSemanticityStreaming.Report(pass, k, e, topN);
        }
        var scaling = MinMaxScaling.Fit(activations);
        var norms = UnitRows.Norms(embeddings);
        var acc = new PairMeanAccumulator(k, e);
        int top = topN.Value;
        EvaluatorChecks.Positive(top, nameof(topN));
        var selector = TopNSelector.FromMatrix(activations, top);
        var unit = new float[e];
        for (int c = 0; c < k; c++)
        {
            if (scaling.IsConstant(c)) continue;
            foreach (var row in selector.RowsOf(c))
            {
                UnitRows.CopyUnit(embeddings, norms, (int)row, 1, unit);
                acc.AddOne(c, scaling.Scale(c, activations.Data[row * k + c]), unit);
            }
        }
        var ms = acc.Finish(scaling.IsConstant);
        var frame = new EvaluationReport("MonoSemanticity (neurons)")
            .Add("neuron", Enumerable.Range(0, k).ToArray())
            .Add("ms", ms)
            .Add("support", acc.Support)
            .Add("dead", ms.Select(double.IsNaN).ToArray());
        return frame.WithParameter("samples", n).WithParameter("neurons", k)
            .WithParameter("embedding_width", embeddings.Cols)
            .WithParameter("top_n", (object?)topN ?? "all")
            .WithParameter("weights", "min-max scaled activations");
    }

    /// <summary>
    /// MS of every neuron of a view's float vector column against another column's embeddings,
    /// streamed a block of rows at a time (<see cref="MonoSemanticityStreaming"/>), top-N included.
    /// </summary>
    public static EvaluationReport Neurons(IDataView view, string activationsColumn, string embeddingsColumn, int? topN = null)
        => MonoSemanticityStreaming.Neurons(view, activationsColumn, embeddingsColumn, topN);

    /// <summary>
    /// MS of every cluster: weights d̃_nj = (1 + cos(a_n, μ_j))/2 (Bíla et al. 2025, eqs. 4–5).
    /// <paramref name="activations"/>: N × d (the clustered activations), <paramref name="centroids"/>:
    /// J × d, <paramref name="embeddings"/>: N × e. With <paramref name="topN"/>, weights are kept
    /// only on each cluster's N closest samples (largest cosine; ties: earlier sample first).
    /// </summary>
    public static EvaluationReport Clusters(DenseMatrix activations, DenseMatrix centroids, DenseMatrix embeddings, int? topN = null, IProgress<double>? progress = null)
    {
        EvaluatorChecks.SameRows(activations, embeddings);
        EvaluatorChecks.SameCols(activations, centroids, "centroids must live in the activation space");
        int n = activations.Rows, j = centroids.Rows, d = activations.Cols, e = embeddings.Cols;
        int block = BlockRows(Math.Max(Math.Max(j, d), e));
        if (topN is null)
        {
            // One pass: memberships of each block computed and used at once (ClusterMsPass).
            var pass = new ClusterMsPass(centroids, e);
            for (int first = 0; first < n; first += block)
            {
                int rows = Math.Min(block, n - first);
                pass.Add(activations.Data.AsSpan(first * d, rows * d), embeddings.Data.AsSpan(first * e, rows * e), rows, first, activations.Name, embeddings.Name);
                progress?.Report((double)(first + rows) / n);
            }
            var (scores, support) = pass.Finish();
            return ClusterReport(n, j, e, topN, scores, support);
        }
        // The same membership code as the streamed form (OfRows), so both select the same samples.
        var membership = new ClusterMembership(centroids);
        var norms = UnitRows.Norms(embeddings);
        var acc = new PairMeanAccumulator(j, e);
        var weights = new float[block * j];
        int top = topN.Value;
        EvaluatorChecks.Positive(top, nameof(topN));
        var selector = new TopNSelector(j, top);
        for (int first = 0; first < n; first += block)
        {
            int rows = Math.Min(block, n - first);
            membership.OfRows(activations.Data.AsSpan(first * d, rows * d), rows, first, activations.Name, weights);
            selector.Add(weights, rows, first);
            progress?.Report((double)(first + rows) / n);
        }
        var unit = new float[e];
        for (int c = 0; c < j; c++)
        {
            var (rowsOf, values) = selector.Sorted(c);
            for (int i = 0; i < rowsOf.Length; i++)
            {
                UnitRows.CopyUnit(embeddings, norms, (int)rowsOf[i], 1, unit);
                acc.AddOne(c, values[i], unit);
            }
        }
        return ClusterReport(n, j, e, topN, acc.Finish(), acc.Support);
    }

    internal static EvaluationReport ClusterReport(long n, int j, int e, int? topN, double[] ms, int[] support)
        => new EvaluationReport("MonoSemanticity (clusters)")
            .Add("cluster", Enumerable.Range(0, j).ToArray())
            .Add("ms", ms)
            .Add("support", support)
            .WithParameter("samples", n).WithParameter("clusters", j)
            .WithParameter("embedding_width", e)
            .WithParameter("top_n", (object?)topN ?? "all")
            .WithParameter("weights", "(1 + cos(a_n, mu_j)) / 2");

    /// <summary>Samples per block so that a block of weights stays near 16 M floats.</summary>
    internal static int BlockRows(int width) => BlockRowsOverride ?? Math.Clamp((1 << 24) / Math.Max(1, width), 64, 4096);

    /// <summary>Tests set this (on their own thread) to force many small blocks.</summary>
    [ThreadStatic]
    internal static int? BlockRowsOverride;
}
