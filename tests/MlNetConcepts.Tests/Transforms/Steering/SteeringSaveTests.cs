using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.Transforms.Steering;

namespace MlNetConcepts.Tests.Transforms.Steering;

/// <summary>
/// Save → load of a steering transformer with ML.NET's own model format: the saved single ONNX
/// graph (SAE operators inside the model) gives the C# path's outputs and torch's, for every
/// oracle case (set with the error kept; add + zero with it dropped; scale + set at block 2).
/// </summary>
[TestClass]
public sealed class SteeringSaveTests
{
    private sealed class Row
    {
        [VectorType(784)] public float[] Pixels { get; set; } = [];
    }

    public static IEnumerable<object[]> Cases() => SteeringOracleTests.Cases();

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void SavedModelLoadsAsOnnxAndGivesTheSameOutputs(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SteeringFixtures.Path("cases.json")));
        var c = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var options = new SteeringOptions
        {
            ModelPath = SteeringFixtures.DemoModel(),
            Tensor = c.GetProperty("tensor").GetString()!,
            Sae = SteeringFixtures.Sae(),
            ModelOutput = "image_embeds", // cut at block2, the first output after the cut is block3
            KeepReconstructionError = c.GetProperty("keep_error").GetBoolean(),
            Interventions = c.GetProperty("interventions").EnumerateArray().Select(i => new ConceptIntervention(
                i.GetProperty("concept").GetInt32(), Enum.Parse<InterventionKind>(i.GetProperty("kind").GetString()!, ignoreCase: true),
                (float)i.GetProperty("alpha").GetDouble())).ToArray(),
        };
        var ml = new MLContext(seed: 1);
        var p = SteeringFixtures.Npy("pixels.npy").ToFloat32();
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Row { Pixels = p[(i * 784)..((i + 1) * 784)] }).ToList());
        using var fitted = ml.Transforms.SteerConcepts("Steered", "Pixels", options).Fit(data);
        var csharp = fitted.Run(p, 5);
        var zip = Path.Combine(Path.GetTempPath(), $"mlnc-steer-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, data.Schema, zip);
            var fresh = new MLContext(seed: 2);
            var loaded = fresh.Model.Load(zip, out var inputSchema);
            Assert.IsTrue(inputSchema.GetColumnOrNull("Pixels").HasValue);
            var parts = loaded is IEnumerable<ITransformer> chain ? chain.Select(t => t.GetType().Name).ToArray() : [loaded.GetType().Name];
            CollectionAssert.Contains(parts, "OnnxTransformer", "the steering is stored as ML.NET's ONNX component");
            var got = loaded.Transform(data).GetColumn<float[]>("Steered").SelectMany(r => r).ToArray();
            double vsCsharp = OrtFixtures.MaxAbsDiff(got, csharp);
            double vsTorch = OrtFixtures.MaxAbsDiff(got, SteeringFixtures.Npy($"case_{name}.npy").ToFloat32());
            Console.WriteLine($"{name}: saved ONNX graph vs C# path {vsCsharp:E2}, vs torch {vsTorch:E2}");
            Assert.IsTrue(vsCsharp < 1e-4, $"vs C#: {vsCsharp}");
            Assert.IsTrue(vsTorch < 1e-4, $"vs torch: {vsTorch}");
        }
        finally { File.Delete(zip); }
    }
}
