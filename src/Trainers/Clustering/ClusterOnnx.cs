using MlNetConcepts.Onnx;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// A fitted clusterer as an ONNX graph (opset 17) computing what <see cref="ClusteringTransformer"/> computes for an
/// input row a_n and centroids μ_j. ML.NET's <c>OnnxTransformer</c> runs one row at a time and turns symbolic
/// dimensions into 1, so the graph maps one row: input [d]; Score and Membership [k]; PredictedLabel [1] (which
/// ML.NET reads back as a one-element Int32 vector).
/// <list type="bullet">
/// <item>cosine metric: a_n ← a_n / max(‖a_n‖, 10⁻³⁰) (a zero row stays zero);</item>
/// <item>Score = max(0, ‖a_n‖² + ‖μ_j‖² − 2·a_n·μ_j), the squared Euclidean distance;</item>
/// <item>PredictedLabel = argmin_j Score (the first on ties, as the C# loop), Int32;</item>
/// <item>Membership = (1 + cos(a_n, μ_j)) / 2 with cos clipped to [−1, 1] and taken as 0 when ‖a_n‖·‖μ_j‖ = 0
/// (Bíla et al. 2025, eq. 4).</item>
/// </list>
/// </summary>
public static class ClusterOnnx
{
    /// <summary>The graph for <paramref name="model"/>; input and output names are its column names.</summary>
    public static byte[] Graph(ClusteringTransformer model)
    {
        int k = model.K, d = model.Dimension;
        var centroids = model.GetCentroids();
        var norms = new float[k];
        var lengths = new float[k];
        for (int j = 0; j < k; j++)
        {
            double s = 0;
            for (int t = 0; t < d; t++) s += (double)centroids[j * d + t] * centroids[j * d + t];
            norms[j] = (float)s;
            lengths[j] = (float)Math.Sqrt(s);
        }
        string x = model.InputColumn;
        var g = new OnnxModelWriter()
            .Input(x, OnnxModelWriter.Float, d)
            .Output(ClusteringTransformer.ScoreColumn, OnnxModelWriter.Float, k)
            .Output(ClusteringTransformer.LabelColumn, OnnxModelWriter.Int32, 1)
            .Output(ClusteringTransformer.MembershipColumn, OnnxModelWriter.Float, k)
            .Initializer("centroids_t", Transposed(centroids, k, d), d, k)
            .Initializer("centroid_norms", norms, k)
            .Initializer("centroid_lengths", lengths, k)
            .Initializer("zero", [0f])
            .Initializer("one", [1f])
            .Initializer("minus_one", [-1f])
            .Initializer("two", [2f])
            .Initializer("half", [0.5f])
            .Initializer("tiny", [1e-30f]);
        string a = x;
        if (model.Metric == ClusterMetric.Cosine)
        {
            g.Node("ReduceSumSquare", [x], ["input_norm2"], ("axes", new long[] { 0 }), ("keepdims", 1L))
             .Node("Sqrt", ["input_norm2"], ["input_length"])
             .Node("Max", ["input_length", "tiny"], ["safe_length"])
             .Node("Div", [x, "safe_length"], ["unit"]);
            a = "unit";
        }
        g.Node("ReduceSumSquare", [a], ["a_norm2"], ("axes", new long[] { 0 }), ("keepdims", 1L))
         .Node("MatMul", [a, "centroids_t"], ["dot"])
         .Node("Add", ["a_norm2", "centroid_norms"], ["norm_sum"])
         .Node("Mul", ["dot", "two"], ["two_dot"])
         .Node("Sub", ["norm_sum", "two_dot"], ["raw_distance"])
         .Node("Max", ["raw_distance", "zero"], [ClusteringTransformer.ScoreColumn])
         .Node("ArgMin", [ClusteringTransformer.ScoreColumn], ["label64"], ("axis", 0L), ("keepdims", 1L), ("select_last_index", 0L))
         .Node("Cast", ["label64"], [ClusteringTransformer.LabelColumn], ("to", (long)OnnxModelWriter.Int32))
         .Node("Sqrt", ["a_norm2"], ["a_length"])
         .Node("Mul", ["a_length", "centroid_lengths"], ["denominator"])
         .Node("Greater", ["denominator", "zero"], ["has_direction"])
         .Node("Max", ["denominator", "tiny"], ["safe_denominator"])
         .Node("Div", ["dot", "safe_denominator"], ["raw_cos"])
         .Node("Where", ["has_direction", "raw_cos", "zero"], ["cos_or_zero"])
         .Node("Clip", ["cos_or_zero", "minus_one", "one"], ["cos"])
         .Node("Add", ["cos", "one"], ["one_plus_cos"])
         .Node("Mul", ["one_plus_cos", "half"], [ClusteringTransformer.MembershipColumn]);
        return g.ToBytes("concept_clusterer");
    }

    private static float[] Transposed(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[(long)c * rows + r] = m[(long)r * cols + c];
        return t;
    }
}
