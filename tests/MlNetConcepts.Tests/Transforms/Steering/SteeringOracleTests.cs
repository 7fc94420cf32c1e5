using System.Text.Json;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Steering;

namespace MlNetConcepts.Tests.Transforms.Steering;

/// <summary>
/// The steered demo model against torch (tools/fixtures/steering.py): the same SAE, the same
/// interventions, the image tower rebuilt in torch from the ONNX initializers; within 1e-4.
/// </summary>
[TestClass]
public sealed class SteeringOracleTests
{
    public static IEnumerable<object[]> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SteeringFixtures.Path("cases.json")));
        foreach (var c in doc.RootElement.EnumerateArray()) yield return [c.GetProperty("name").GetString()!];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void SteeredEmbeddingsEqualTorch(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SteeringFixtures.Path("cases.json")));
        var c = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var interventions = c.GetProperty("interventions").EnumerateArray().Select(i => new ConceptIntervention(
            i.GetProperty("concept").GetInt32(), Enum.Parse<InterventionKind>(i.GetProperty("kind").GetString()!, ignoreCase: true),
            (float)i.GetProperty("alpha").GetDouble())).ToArray();
        var steering = new ConceptSteering(SteeringFixtures.Sae(), interventions, c.GetProperty("keep_error").GetBoolean());
        var pixels = SteeringFixtures.Npy("pixels.npy");
        using var model = new SteeredModel(SteeringFixtures.DemoModel(), c.GetProperty("tensor").GetString()!, new OnnxSessionOptions { IntraOpThreads = 1 });
        var input = OnnxInput.Float("pixel_values", pixels.ToFloat32(), pixels.Shape);
        bool block2 = model.Tensor == "block2";
        var outs = model.Run([input], block2 ? ["image_embeds", "block3"] : ["image_embeds"], steering);
        var want = SteeringFixtures.Npy($"case_{name}.npy").ToFloat32();
        double diff = OrtFixtures.MaxAbsDiff(outs[0].ToFloat32(), want);
        double moved = OrtFixtures.MaxAbsDiff(want, SteeringFixtures.Npy("plain_image_embeds.npy").ToFloat32());
        Console.WriteLine($"{name}: max |C# − torch| = {diff:E2}; the intervention moved the embedding by up to {moved:F3}");
        Assert.IsTrue(diff < 1e-4, $"max diff {diff}");
        Assert.IsTrue(moved > 1e-2, "the case must change the output, or it tests nothing");
        if (block2)
        {
            double d3 = OrtFixtures.MaxAbsDiff(outs[1].ToFloat32(), SteeringFixtures.Npy($"case_{name}_block3.npy").ToFloat32());
            Assert.IsTrue(d3 < 1e-4, $"block3 after steering block2: max diff {d3}");
        }
    }

    [TestMethod]
    public void NoInterventionWithTheErrorKeptLeavesTheModelUnchanged()
    {
        var pixels = SteeringFixtures.Npy("pixels.npy");
        using var model = new SteeredModel(SteeringFixtures.DemoModel(), "block3", new OnnxSessionOptions { IntraOpThreads = 1 });
        var outs = model.Run([OnnxInput.Float("pixel_values", pixels.ToFloat32(), pixels.Shape)], ["image_embeds"], new ConceptSteering(SteeringFixtures.Sae(), []));
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(outs[0].ToFloat32(), SteeringFixtures.Npy("plain_image_embeds.npy").ToFloat32()) < 1e-4);
    }
}
