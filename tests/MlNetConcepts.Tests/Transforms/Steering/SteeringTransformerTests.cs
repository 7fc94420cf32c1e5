using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Transforms.Steering;

namespace MlNetConcepts.Tests.Transforms.Steering;

/// <summary>
/// <c>mlContext.Transforms.SteerConcepts</c> as an ML.NET component: schema propagation, the
/// torch oracle through an IDataView, a chain with ML.NET's own transforms, PredictionEngine,
/// bad input (save → load is in <see cref="SteeringSaveTests"/>).
/// </summary>
[TestClass]
public sealed class SteeringTransformerTests
{
    private sealed class Row
    {
        [VectorType(784)] public float[] Pixels { get; set; } = [];
    }

    private sealed class Prediction
    {
        [VectorType(64)] public float[] Steered { get; set; } = [];
    }

    private sealed class ShortRow
    {
        [VectorType(10)] public float[] Pixels { get; set; } = [];
    }

    private static IDataView Pixels(MLContext ml)
    {
        var p = SteeringFixtures.Npy("pixels.npy").ToFloat32();
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, p.Length / 784).Select(i => new Row { Pixels = p[(i * 784)..((i + 1) * 784)] }).ToList());
    }

    private static ConceptIntervention[] FirstCase(out string tensor)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SteeringFixtures.Path("cases.json")));
        var c = doc.RootElement[0];
        Assert.AreEqual("set_keep", c.GetProperty("name").GetString());
        tensor = c.GetProperty("tensor").GetString()!;
        var i = c.GetProperty("interventions")[0];
        return [ConceptIntervention.SetTo(i.GetProperty("concept").GetInt32(), (float)i.GetProperty("alpha").GetDouble())];
    }

    [TestMethod]
    public void SteeredColumnEqualsTorchThroughAnMLNetChain()
    {
        var ml = new MLContext(seed: 1);
        var data = Pixels(ml);
        var iv = FirstCase(out var tensor);
        var estimator = ml.Transforms.SteerConcepts("Steered", "Pixels", SteeringFixtures.DemoModel(), tensor, SteeringFixtures.Sae(), iv);
        var chain = estimator.Append(ml.Transforms.Concatenate("Features", "Steered"));
        var model = chain.Fit(data);
        // Schema propagation without reading data: the fitted chain's output schema.
        var schema = model.GetOutputSchema(data.Schema);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 64), schema["Steered"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 64), schema["Features"].Type);
        var output = model.Transform(data);
        var steered = output.Schema["Steered"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 64), steered.Type);
        var rows = output.GetColumn<float[]>("Features").ToList();
        Assert.AreEqual(5, rows.Count);
        var want = SteeringFixtures.Npy("case_set_keep.npy").ToFloat32();
        double diff = OrtFixtures.MaxAbsDiff(rows.SelectMany(r => r).ToArray(), want);
        Assert.IsTrue(diff < 1e-4, $"max |ML.NET column − torch| = {diff}");
        // Pass-through column intact.
        var pixels = output.GetColumn<float[]>("Pixels").SelectMany(r => r).ToArray();
        CollectionAssert.AreEqual(SteeringFixtures.Npy("pixels.npy").ToFloat32(), pixels);
        foreach (var t in model) (t as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void PredictionEngineRowEqualsTheBatchedRowAndTorch()
    {
        var ml = new MLContext(seed: 1);
        var data = Pixels(ml);
        var iv = FirstCase(out var tensor);
        using var model = ml.Transforms.SteerConcepts("Steered", "Pixels", SteeringFixtures.DemoModel(), tensor, SteeringFixtures.Sae(), iv).Fit(data);
        Assert.IsTrue(model.IsRowToRowMapper);
        var batched = model.Transform(data).GetColumn<float[]>("Steered").ToList();
        var pixels = SteeringFixtures.Npy("pixels.npy").ToFloat32();
        var want = SteeringFixtures.Npy("case_set_keep.npy").ToFloat32();
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model);
        for (int i = 0; i < 5; i++)
        {
            var row = engine.Predict(new Row { Pixels = pixels[(i * 784)..((i + 1) * 784)] }).Steered;
            Assert.AreEqual(64, row.Length);
            // The batch runs the same ONNX sessions on 5 rows at once; kernels may sum in another order.
            double vsBatch = OrtFixtures.MaxAbsDiff(row, batched[i]);
            double vsTorch = OrtFixtures.MaxAbsDiff(row, want[(i * 64)..((i + 1) * 64)]);
            Assert.IsTrue(vsBatch < 1e-5, $"row {i}: PredictionEngine vs batched {vsBatch}");
            Assert.IsTrue(vsTorch < 1e-4, $"row {i}: PredictionEngine vs torch {vsTorch}");
        }
    }

    [TestMethod]
    public void BadInputIsRejectedNamingWhatIsWrong()
    {
        var ml = new MLContext(seed: 1);
        var data = Pixels(ml);
        var sae = SteeringFixtures.Sae();
        var model = SteeringFixtures.DemoModel();
        var unknown = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Pixels", model, "blokc3", sae).Fit(data));
        StringAssert.Contains(unknown.Message, "'blokc3' is not in the graph");
        StringAssert.Contains(unknown.Message, "block3");
        // The MLP's hidden layer is 128 wide; the SAE reads 64.
        var width = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Pixels", model, "/m/blocks.3/mlp/mlp.0/Add_output_0", sae).Fit(data));
        StringAssert.Contains(width.Message, "width 128");
        StringAssert.Contains(width.Message, "SAE's input width");
        var alpha = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Pixels", model, "block3", sae, ConceptIntervention.SetTo(1, float.NaN)).Fit(data));
        StringAssert.Contains(alpha.Message, "Alpha");
        var concept = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Pixels", model, "block3", sae, ConceptIntervention.Add(999, 1)).Fit(data));
        StringAssert.Contains(concept.Message, "Concept = 999 is out of range");
        var missing = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Image", model, "block3", sae).Fit(data));
        StringAssert.Contains(missing.Message, "column 'Image'");
        var shortData = ml.Data.LoadFromEnumerable(new[] { new ShortRow { Pixels = new float[10] } });
        var short10 = Assert.ThrowsExactly<ConceptDataException>(() => ml.Transforms.SteerConcepts("S", "Pixels", model, "block3", sae).Fit(shortData));
        StringAssert.Contains(short10.Message, "has 10 values per row");
    }
}
