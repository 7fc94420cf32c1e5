using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Onnx;
using MlNetConcepts.Tests.Core.Views;
using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SaeTransformerTests
{
    private static (float[] X, int D) Data(int rows = 600, int d = 8, int seed = 4)
    {
        var data = MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.Generate(new() { Features = 24, Dimensions = d, Samples = rows, MeanActive = 3, Seed = seed });
        return (data.Activations, d);
    }

    private static SaeTransformer Fit(string arch, float[] x, int d, SaeOptions? extra = null)
    {
        var o = (extra ?? new SaeOptions()) with { Architecture = arch, ExpansionFactor = 4, K = 3, BatchSize = 64, Steps = 30, LearningRate = 5e-3, Seed = 2 };
        return new MLContext(1).Transforms.SparseAutoencoder(o).Fit(View(x, d));
    }

    private static ColumnDataView View(float[] x, int d) => new(new DenseArrayColumn("Features", x, d));

    public sealed class Row
    {
        [VectorType(8)] public float[] Features { get; set; } = [];
    }

    public sealed class Coded
    {
        [VectorType(32)] public float[] Concepts { get; set; } = [];
    }

    [TestMethod]
    [DataRow("relu")] [DataRow("topk")] [DataRow("batchtopk")] [DataRow("jumprelu")] [DataRow("matryoshka")]
    public void WorkoutSchemaSaveLoadPredictionEngine(string arch)
    {
        var (x, d) = Data();
        var sae = Fit(arch, x, d).WithSlotNames(Enumerable.Range(0, 32).Select(i => $"c{i}").ToArray());
        var view = View(x, d);

        // Schema propagation: the transformer's schema and the estimator's shape agree; input columns pass through.
        var schema = sae.GetOutputSchema(view.Schema);
        Assert.AreEqual("Features", schema[0].Name, "input columns pass through");
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 32), schema["Concepts"].Type);
        Assert.AreEqual("c5", ViewColumns.SlotNames(schema["Concepts"])![5]);
        var shape = new MLContext(1).Transforms.SparseAutoencoder(new SaeOptions { Architecture = arch, ExpansionFactor = 4, K = 3 })
            .GetOutputSchema(ViewColumns.ShapeOf(view.Schema));
        var concepts = shape.Single(c => c.Name == "Concepts");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, concepts.Kind);
        Assert.AreEqual(NumberDataViewType.Single, concepts.ItemType);

        // The lazy view gives the array-level codes; the codes are sparse VBuffers.
        var transformed = sae.Transform(view);
        var batched = Workout.Dense(transformed, "Concepts");
        Workout.Close(sae.Encode(x, 600).ToDense(32), batched, 1e-5, "blocks of 256 rows against one GEMM");
        Assert.IsTrue(batched.Any(v => v > 0));
        using (var cursor = transformed.GetRowCursor(transformed.Schema))
        {
            var get = cursor.GetGetter<VBuffer<float>>(transformed.Schema["Concepts"]);
            VBuffer<float> row = default;
            Assert.IsTrue(cursor.MoveNext());
            get(ref row);
            Assert.IsFalse(row.IsDense, "codes are sparse");
        }

        // PredictionEngine row = batched row.
        var engine = new MLContext(1).Model.CreatePredictionEngine<Row, Coded>(sae, view.Schema);
        for (int r = 0; r < 600; r += 97)
            Workout.Close(batched[(r * 32)..((r + 1) * 32)], engine.Predict(new Row { Features = x[(r * d)..((r + 1) * d)] }).Concepts, 1e-5, $"row {r}");

        // Save with ML.NET, load in a fresh MLContext: an OnnxTransformer of the encoder gives the same codes (≤ 1e-5).
        var loaded = Workout.SaveAndLoad(sae, view.Schema);
        Workout.Close(batched, Workout.Dense(loaded.Transform(view), "Concepts"), 1e-5, $"{arch} codes after load");
        var loadedEngine = new MLContext(3).Model.CreatePredictionEngine<Row, Coded>(loaded, view.Schema);
        Workout.Close(batched[(5 * 32)..(6 * 32)], loadedEngine.Predict(new Row { Features = x[(5 * d)..(6 * d)] }).Concepts, 1e-5, "loaded engine row 5");
    }

    [TestMethod]
    [DataRow("relu")] [DataRow("jumprelu")]
    public void OnnxDecoderMatchesDecode(string arch)
    {
        var (x, d) = Data();
        var sae = Fit(arch, x, d);
        var codes = sae.Encode(x, 600);
        var onnx = OnnxModelSaving.ToOnnxTransformer(SaeOnnx.Decoder(sae, "Concepts", "Reconstruction"), [("Concepts", 32)], ["Reconstruction"]);
        var view = new ColumnDataView(new DenseArrayColumn("Concepts", codes.ToDense(32), 32));
        Workout.Close(sae.Decode(codes), Workout.Dense(onnx.Transform(view), "Reconstruction"), 1e-5, "reconstruction");
    }

    [TestMethod]
    public void BadInputIsRejectedNamingTheColumn()
    {
        var (x, d) = Data();
        var sae = Fit("topk", x, d);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => sae.Transform(new ColumnDataView(new DenseArrayColumn("Other", x, d))));
        StringAssert.Contains(e.Message, "Column 'Features' is not in the data");
        var shape = ViewColumns.ShapeOf(new ColumnDataView(ScalarArrayColumn.Int32("Features", new int[3])).Schema);
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder().GetOutputSchema(shape));
        StringAssert.Contains(e.Message, "Column 'Features'");
        StringAssert.Contains(e.Message, "expected a fixed-size vector of Single");
    }

    [TestMethod]
    public void MeanMaxCosineMatchesAHandComputedCase()
    {
        // f₁ = e₁, f₂ = e₂; decoder rows (1,1)/‖·‖ and (2,0): best cosines 1 and 1/√2.
        float[] features = [1, 0, 0, 1], decoder = [1, 1, 2, 0];
        Assert.AreEqual((1 + Math.Sqrt(0.5)) / 2, MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.MeanMaxCosine(features, decoder, 2), 1e-6);
    }

    [TestMethod]
    public void SavedWeightsWorkOnRawActivations()
    {
        // The scale is folded in: the SAE's reconstruction on raw inputs should be on their scale.
        var (x, d) = Data();
        for (int q = 0; q < x.Length; q++) x[q] *= 37f;
        var sae = Fit("topk", x, d);
        var m = SaeMetrics.Compute(sae, [x]);
        Assert.IsGreaterThan(0.3, m.R2, $"R² {m.R2}");
        Assert.IsGreaterThan(0.6, m.MeanCosine);
    }

    [TestMethod]
    public void MetricsMatchBruteForce()
    {
        var (x, d) = Data(rows: 100);
        var sae = Fit("batchtopk", x, d);
        var m = SaeMetrics.Compute(sae, [x[..(50 * d)], x[(50 * d)..]]);
        var codes = sae.Encode(x, 100);
        var xh = sae.Decode(codes);
        double sse = 0, sst = 0;
        for (int j = 0; j < d; j++)
        {
            double mean = Enumerable.Range(0, 100).Average(r => x[r * d + j]);
            for (int r = 0; r < 100; r++) { sse += Math.Pow(x[r * d + j] - xh[r * d + j], 2); sst += Math.Pow(x[r * d + j] - mean, 2); }
        }
        Assert.AreEqual(sse / (100.0 * d), m.Mse, 1e-6 * m.Mse); // the brute force subtracts in float
        Assert.AreEqual(1 - sse / sst, m.R2, 1e-6);
        Assert.AreEqual(codes.Count / 100.0, m.L0, 1e-12);
        var dense = codes.ToDense(32);
        Assert.AreEqual(Enumerable.Range(0, 32).Count(i => Enumerable.Range(0, 100).All(r => dense[r * 32 + i] == 0)) / 32.0, m.DeadFraction, 1e-12);
    }

    [TestMethod]
    public void WrongWidthAndNonFiniteInputAreClearErrors()
    {
        var (x, d) = Data();
        var sae = Fit("topk", x, d);
        var wide = View(new float[20], 10);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => sae.GetOutputSchema(wide.Schema));
        StringAssert.Contains(e.Message, "width 10");
        StringAssert.Contains(e.Message, "width 8");
        var bad = (float[])x.Clone();
        bad[3 * d + 2] = float.NaN;
        e = Assert.ThrowsExactly<ConceptDataException>(() => sae.Encode(bad, 600));
        StringAssert.Contains(e.Message, "row 3");
    }
}
