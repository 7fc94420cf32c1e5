using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Transforms.Steering;

/// <summary>The fixtures of tools/fixtures/steering.py: a TopK SAE on the demo model's block 3 and torch's steered outputs.</summary>
internal static class SteeringFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Steering", name);
    public static NdArray Npy(string name) => NpyFile.Read(Path(name));
    public static SaeTransformer Sae() => SaeLensFormat.Import(Path("sae"));
    public static string DemoModel() => MlNetConcepts.Tests.Transforms.Onnx.Split.OnnxGraphSplitTests.DemoModel();
}
