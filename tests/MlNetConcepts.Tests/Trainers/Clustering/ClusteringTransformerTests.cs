using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Trainers.Clustering;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class ClusteringTransformerTests
{
    private static (float[] X, int N, int D, float[] C, int K) Random(int seed, bool withZeroRow)
    {
        var rng = new Random(seed);
        int n = 50, d = 7, k = 4;
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var c = Enumerable.Range(0, k * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        if (withZeroRow) Array.Clear(x, 3 * d, d);
        return (x, n, d, c, k);
    }

    [TestMethod]
    public void BlockMembershipsEqualTheMembershipColumn()
    {
        // Memberships (what `mlnc cluster` writes) against the column of Transform, on more rows than one of its blocks.
        var rng = new Random(9);
        int n = 4096 + 37, d = 7, k = 4;
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var c = Enumerable.Range(0, k * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
        {
            var model = new ClusteringTransformer(c, k, d, "Features", metric, "kmeans");
            var column = Workout.Dense(model.Transform(View(x, d)), "Membership");
            var blocks = new List<float>();
            model.Memberships(x, n, block => blocks.AddRange(block.ToArray()));
            Assert.AreEqual(column.Length, blocks.Count, $"{metric}: one membership per row and cluster");
            Workout.Close(column, blocks.ToArray(), 1e-6, $"{metric} memberships by block");
        }
    }

    [TestMethod]
    public void ColumnsEqualTheFormulasOnABruteForceCheck()
    {
        foreach (var metric in new[] { ClusterMetric.Euclidean, ClusterMetric.Cosine })
        {
            var (x, n, d, c, k) = Random(1, withZeroRow: true);
            var model = new ClusteringTransformer(c, k, d, "Features", metric, "kmeans");
            var view = model.Transform(View(x, d));
            var score = Workout.Dense(view, "Score");
            var membership = Workout.Dense(view, "Membership");
            var labels = RowBlockReader.ReadInt32s(view, "PredictedLabel");
            for (int i = 0; i < n; i++)
            {
                double an = Math.Sqrt(Enumerable.Range(0, d).Sum(t => (double)x[i * d + t] * x[i * d + t]));
                var a = Enumerable.Range(0, d).Select(t => metric == ClusterMetric.Cosine && an > 0 ? x[i * d + t] / an : x[i * d + t]).ToArray();
                int best = 0;
                double bestD = double.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    double dot = 0, cn = 0, sq = 0;
                    for (int t = 0; t < d; t++) { dot += x[i * d + t] * (double)c[j * d + t]; cn += (double)c[j * d + t] * c[j * d + t]; sq += (a[t] - c[j * d + t]) * (a[t] - c[j * d + t]); }
                    double cos = an > 0 ? dot / (an * Math.Sqrt(cn)) : 0; // zero row: documented rule cos = 0
                    double m = membership[i * k + j];
                    Assert.IsTrue(m >= 0 && m <= 1, $"membership {m} outside [0, 1]");
                    Assert.AreEqual((1 + cos) / 2, m, 1e-5, $"{metric} row {i} centroid {j}");
                    Assert.AreEqual(sq, score[i * k + j], 1e-4 * (1 + sq));
                    if (sq < bestD) { bestD = sq; best = j; }
                }
                Assert.AreEqual(best, labels[i], $"{metric} row {i}");
            }
            Assert.AreEqual(0.5f, membership[3 * k], "a zero row has membership 0.5 by rule");
        }
    }

    private static ColumnDataView View(float[] x, int d) => new(new DenseArrayColumn("Features", x, d));

    public sealed class Row
    {
        [VectorType(7)] public float[] Features { get; set; } = [];
    }

    public sealed class Scored
    {
        [VectorType(4)] public float[] Score { get; set; } = [];
        public int PredictedLabel { get; set; }
        [VectorType(4)] public float[] Membership { get; set; } = [];
    }

    [TestMethod]
    [DataRow(ClusterMetric.Euclidean)] [DataRow(ClusterMetric.Cosine)]
    public void WorkoutSchemaSaveLoadPredictionEngine(ClusterMetric metric)
    {
        var (x, n, d, c, k) = Random(2, withZeroRow: true);
        var model = new ClusteringTransformer(c, k, d, "Features", metric, "kmeans");
        var view = View(x, d);

        var schema = model.GetOutputSchema(view.Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, k), schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, schema["PredictedLabel"].Type);
        Assert.AreEqual("cluster_2", ViewColumns.SlotNames(schema["Membership"])![2]);
        var shape = new MLContext(1).Clustering.Trainers.ConceptClusterer(numberOfClusters: k).GetOutputSchema(ViewColumns.ShapeOf(view.Schema));
        CollectionAssert.IsSubsetOf(new[] { "Features", "Score", "PredictedLabel", "Membership" }, shape.Select(col => col.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Int32, shape.Single(col => col.Name == "PredictedLabel").ItemType);

        var (labels, score, membership) = model.Predict(x, n);
        var batched = model.Transform(view);
        Workout.Close(score, Workout.Dense(batched, "Score"), 1e-6, "Score");
        CollectionAssert.AreEqual(labels, RowBlockReader.ReadInt32s(batched, "PredictedLabel"));

        var engine = new MLContext(1).Model.CreatePredictionEngine<Row, Scored>(model, view.Schema);
        for (int i = 0; i < n; i += 7)
        {
            var one = engine.Predict(new Row { Features = x[(i * d)..((i + 1) * d)] });
            Workout.Close(membership[(i * k)..((i + 1) * k)], one.Membership, 1e-6, $"engine row {i}");
            Assert.AreEqual(labels[i], one.PredictedLabel, $"engine row {i}");
        }

        // Saved with ML.NET and loaded in a fresh MLContext: the ONNX graph gives the same columns within 1e-5.
        var loaded = Workout.SaveAndLoad(model, view.Schema).Transform(view);
        Workout.Close(score, Workout.Dense(loaded, "Score"), 1e-5, $"{metric} Score after load");
        Workout.Close(membership, Workout.Dense(loaded, "Membership"), 1e-5, $"{metric} Membership after load");
        // ML.NET's OnnxTransformer reads the [1] label output back as a one-element Int32 vector.
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int32, 1), loaded.Schema["PredictedLabel"].Type);
        var loadedLabels = new List<int>();
        using (var cursor = loaded.GetRowCursor([loaded.Schema["PredictedLabel"]]))
        {
            var get = cursor.GetGetter<VBuffer<int>>(loaded.Schema["PredictedLabel"]);
            VBuffer<int> one = default;
            while (cursor.MoveNext()) { get(ref one); loadedLabels.Add(one.GetItemOrDefault(0)); }
        }
        CollectionAssert.AreEqual(labels, loadedLabels, "labels after load");
    }

    [TestMethod]
    public void WrongInputWidthAndNanRowsAreClearErrors()
    {
        var (x, n, d, c, k) = Random(3, withZeroRow: false);
        var model = new ClusteringTransformer(c, k, d, "Features", ClusterMetric.Euclidean, "kmeans");
        var e1 = Assert.ThrowsExactly<ConceptDataException>(() => model.Transform(View(new float[12], 3)));
        StringAssert.Contains(e1.Message, "width 3");
        x[5 * d + 2] = float.PositiveInfinity;
        var view = model.Transform(View(x, d));
        var e2 = Assert.ThrowsExactly<ConceptDataException>(() => RowBlockReader.ReadInt32s(view, "PredictedLabel"));
        StringAssert.Contains(e2.Message, "row 5");
    }
}
