using MlNetConcepts.Views;
using MlNetConcepts.Onnx;
using Microsoft.ML.Data;
using Microsoft.ML;
using MlNetConcepts.Compute;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// A fitted clusterer as a transformer. For an input column of width d it adds, for k centroids μ_j:
/// <list type="bullet">
/// <item><c>Score</c> (k floats): squared Euclidean distance ‖a_n − μ_j‖² to every centroid, as ML.NET's
/// KMeans does; for the cosine metric a_n is unit-normalised first, so Score = 2 − 2·cos.</item>
/// <item><c>PredictedLabel</c> (Int32): the 0-based index of the nearest centroid (ML.NET uses a 1-based key
/// type; this library uses plain 0-based Int32 so labels index arrays directly).</item>
/// <item><c>Membership</c> (k floats): the smoothed membership of Bíla et al. 2025, eq. 4,
/// d̃_nj = (1 + cos(a_n, μ_j)) / 2 ∈ [0, 1].</item>
/// </list>
/// Vector slots are named <c>cluster_0 … cluster_{k−1}</c>. Documented rules: a zero input row (or a
/// zero centroid) has no direction, so its cosine is taken as 0 and its membership as 0.5; a
/// non-finite input value is an error naming the row. An ML.NET transformer: <c>mlContext.Model.Save</c> writes it as
/// an <c>OnnxTransformer</c> of <see cref="ClusterOnnx.Graph"/> (the same three columns; the label comes back as Int32).
/// </summary>
public sealed class ClusteringTransformer : BlockMappingTransformer
{    /// <summary>Name of the distances column.</summary>
    public const string ScoreColumn = "Score";
    /// <summary>Name of the label column.</summary>
    public const string LabelColumn = "PredictedLabel";
    /// <summary>Name of the membership column.</summary>
    public const string MembershipColumn = "Membership";

    private readonly float[] _centroids;
    private readonly float[] _centroidNorms;
    private readonly double[] _centroidLengths;

    /// <summary>Creates the transformer from k × d centroids.</summary>
    public ClusteringTransformer(float[] centroids, int k, int dimension, string inputColumn, ClusterMetric metric, string method)
    {
        if (k < 1 || dimension < 1 || centroids.Length != (long)k * dimension)
            throw new ConceptDataException($"Clustering model: {centroids.Length} centroid values do not form k × d = {k} × {dimension}.");
        _centroids = centroids;
        K = k;
        Dimension = dimension;
        InputColumn = inputColumn;
        Metric = metric;
        Method = method;
        _centroidNorms = SquaredDistances.RowNorms(centroids, k, dimension);
        _centroidLengths = _centroidNorms.Select(v => Math.Sqrt(v)).ToArray();
    }

    /// <summary>Number of clusters.</summary>
    public int K { get; }
    /// <summary>Width of the input rows.</summary>
    public int Dimension { get; }
    /// <summary>The input column.</summary>
    public string InputColumn { get; }
    /// <summary>Geometry of the model.</summary>
    public ClusterMetric Metric { get; }
    /// <summary>The method that fitted the model (kmeans, spherical, minibatch, agglomerative).</summary>
    public string Method { get; }
    /// <summary>A copy of the centroids (k × d, row-major).</summary>
    public float[] GetCentroids() => (float[])_centroids.Clone();

    /// <summary>Slot names cluster_0 … cluster_{k−1}.</summary>
    public static string[] SlotNames(int k) => Enumerable.Range(0, k).Select(j => $"cluster_{j}").ToArray();

    /// <summary>The three added columns for k clusters.</summary>
    public static IReadOnlyList<AddedColumn> OutputColumns(int k)
    {
        var names = SlotNames(k);
        var vector = new VectorDataViewType(NumberDataViewType.Single, k);
        return [new AddedColumn(ScoreColumn, vector, names), new AddedColumn(LabelColumn, NumberDataViewType.Int32), new AddedColumn(MembershipColumn, vector, names)];
    }

    /// <summary>The estimators' output shape: the input's with the three columns added (the input column checked).</summary>
    internal static SchemaShape OutputShape(SchemaShape input, string featureColumn, int k)
    {
        ViewColumns.RequireFloatVector(input, featureColumn);
        return ViewColumns.AddColumns(input, OutputColumns(k).Select(c => (c.Name, c.Type)));
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputColumns => [InputColumn];

    /// <inheritdoc />
    public override IReadOnlyList<AddedColumn> AddedColumns(DataViewSchema input)
    {
        ViewColumns.RequireFloatVector(input, InputColumn, Dimension);
        return OutputColumns(K);
    }

    /// <inheritdoc />
    public override BlockOutputs MapBlock(IRowBlock input)
    {
        int rows = input.BlockRows, d = Dimension, k = K;
        var a = input.Floats(InputColumn).ToArray();
        ClusterInput.CheckFinite(a, rows, d, $"column '{InputColumn}'", input.BlockStart);
        if (Metric == ClusterMetric.Cosine) ScaleToUnit(a, rows, d);
        var score = new float[rows * k];
        var membership = new float[rows * k];
        var labels = new int[rows];
        Map(a, rows, score, membership, labels);
        var output = new BlockOutputs(rows);
        output.SetFloats(ScoreColumn, score);
        output.SetFloats(MembershipColumn, membership);
        output.SetInt32s(LabelColumn, labels);
        return output;
    }

    /// <summary>Scores, memberships and labels of rows already in the model's geometry (unit rows for cosine).</summary>
    internal void Map(float[] a, int rows, float[] score, float[] membership, int[] labels)
    {
        int d = Dimension, k = K;
        var aNorms = SquaredDistances.RowNorms(a, rows, d);
        Gemm.MatMulTransB(a, _centroids, score, rows, d, k); // score holds a·μ for now
        for (int i = 0; i < rows; i++)
        {
            MembershipRow(score.AsSpan(i * k, k), aNorms[i], membership.AsSpan(i * k, k));
            int best = 0;
            float bestD = float.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                float dot = score[i * k + j];
                float dist = Math.Max(0f, aNorms[i] + _centroidNorms[j] - 2f * dot);
                score[i * k + j] = dist;
                if (dist < bestD) { bestD = dist; best = j; }
            }
            labels[i] = best;
        }
    }

    /// <summary>into[j] = (1 + cos(a, μ_j)) / 2 from the products dots[j] = a·μ_j and ‖a‖² (cos = 0 when a or μ_j is zero).</summary>
    private void MembershipRow(ReadOnlySpan<float> dots, float aNorm, Span<float> into)
    {
        double an = Math.Sqrt(aNorm);
        for (int j = 0; j < dots.Length; j++)
        {
            double denom = an * _centroidLengths[j];
            double cos = denom > 0 ? Math.Clamp(dots[j] / denom, -1.0, 1.0) : 0.0;
            into[j] = (float)((1.0 + cos) / 2.0);
        }
    }

    /// <summary>Rows per block of <see cref="Memberships"/>.</summary>
    private const int MembershipBlockRows = 4096;

    /// <summary>
    /// The memberships alone (Bíla et al. 2025, eq. 4) of an n × d matrix, handed to <paramref name="consume"/> a block
    /// of up to 4096 rows at a time (the span is reused): one product with the centroids per block and the formula of
    /// the Membership column, without the labels, distances and copies of <see cref="Predict"/>. The rows are not
    /// scaled for the cosine metric: a cosine does not change when a row is scaled.
    /// </summary>
    public void Memberships(ReadOnlySpan<float> x, int n, Action<ReadOnlySpan<float>> consume)
    {
        int d = Dimension, k = K;
        if (x.Length != (long)n * d) throw new ConceptDataException($"Memberships: {x.Length} values do not form {n} × {d}.");
        var dots = new float[Math.Min(MembershipBlockRows, Math.Max(1, n)) * k];
        for (int s = 0; s < n; s += MembershipBlockRows)
        {
            int rows = Math.Min(MembershipBlockRows, n - s);
            var a = x.Slice(s * d, rows * d);
            ClusterInput.CheckFinite(a, rows, d, "input", s);
            var norms = SquaredDistances.RowNorms(a, rows, d);
            Gemm.MatMulTransB(a, _centroids, dots, rows, d, k);
            var block = dots.AsSpan(0, rows * k);
            for (int i = 0; i < rows; i++) MembershipRow(block.Slice(i * k, k), norms[i], block.Slice(i * k, k));
            consume(block);
        }
    }

    /// <summary>Scales rows to unit length in place; zero rows stay zero (see the class rules).</summary>
    internal static void ScaleToUnit(float[] a, int rows, int d)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = a.AsSpan(i * d, d);
            double norm = Math.Sqrt(SquaredDistances.SquaredNorm(row));
            if (norm == 0) continue;
            for (int t = 0; t < d; t++) row[t] = (float)(row[t] / norm);
        }
    }

    /// <summary>Labels, distances and memberships of an in-memory matrix (n × d), without building a view.</summary>
    public (int[] Labels, float[] Score, float[] Membership) Predict(float[] x, int n)
    {
        if (x.Length != (long)n * Dimension) throw new ConceptDataException($"Predict: {x.Length} values do not form {n} × {Dimension}.");
        var a = (float[])x.Clone();
        ClusterInput.CheckFinite(a, n, Dimension, "input");
        if (Metric == ClusterMetric.Cosine) ScaleToUnit(a, n, Dimension);
        var score = new float[n * K];
        var membership = new float[n * K];
        var labels = new int[n];
        int block = 4096;
        for (int s = 0; s < n; s += block)
        {
            int rows = Math.Min(block, n - s);
            var sc = new float[rows * K];
            var me = new float[rows * K];
            var la = new int[rows];
            Map(a.AsSpan(s * Dimension, rows * Dimension).ToArray(), rows, sc, me, la);
            sc.CopyTo(score, s * K);
            me.CopyTo(membership, s * K);
            la.CopyTo(labels, s);
        }
        return (labels, score, membership);
    }

    /// <summary>Saves as an ML.NET <c>OnnxTransformer</c> of <see cref="ClusterOnnx.Graph"/> (public API only).</summary>
    public override void Save(ModelSaveContext ctx)
        => OnnxModelSaving.Save(ctx, ClusterOnnx.Graph(this), [(InputColumn, Dimension)], [ScoreColumn, LabelColumn, MembershipColumn]);
}
