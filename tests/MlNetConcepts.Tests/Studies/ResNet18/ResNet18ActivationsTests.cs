using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Studies.ResNet18;

/// <summary>
/// The NuGet ResNet18 (batch fixed at 1) run by ONNX Runtime with the quickstart's preprocessing:
/// every residual stage's output and the pooled output, mean-pooled over positions, equal torch's
/// on four Fashion-MNIST test images (tools/fixtures/resnet18_reference.py rebuilds the network in
/// torch from the ONNX initializers and preprocesses in numpy).
/// </summary>
[TestClass]
public sealed class ResNet18ActivationsTests
{
    [TestMethod]
    public void EveryStageAndThePooledOutputEqualTorch()
    {
        var models = ResNet18Fixtures.Models();
        var images = ResNet18Fixtures.FirstImages(ResNet18Fixtures.Images);
        var layers = ResNet18Model.Stages.Append(ResNet18Model.Pooled).ToArray();
        using var input = new ResNet18Input(images, ResNet18Model.PreprocessPath(models), "t10k");
        using var ex = new ActivationExtractor(new()
        {
            ModelPath = ResNet18Model.NetworkPath(models),
            Tensors = layers.Select(l => l.Tensor).ToArray(),
            Tokens = new TokenSelection(TokenMode.Mean),
            BatchSize = 32, // more than the model takes: it must still run one image per call
            Session = new OnnxSessionOptions { IntraOpThreads = 2 },
        });
        Assert.AreEqual(1, ex.FixedBatch);
        var rows = layers.Select(_ => new List<float>()).ToArray();
        int calls = 0;
        ex.Run(input, blocks =>
        {
            calls++;
            for (int t = 0; t < layers.Length; t++)
            {
                Assert.AreEqual(layers[t].Channels, blocks[t].Width, layers[t].Name);
                rows[t].AddRange(blocks[t].Values);
            }
        });
        Assert.AreEqual(ResNet18Fixtures.Images, calls);
        for (int t = 0; t < ResNet18Model.Stages.Count; t++)
            ResNet18Fixtures.AssertRelative(ResNet18Fixtures.Expected($"stage{t + 1}_mean.npy"), rows[t].ToArray(), $"{layers[t].Name} ({layers[t].Tensor}) mean");
        ResNet18Fixtures.AssertRelative(ResNet18Fixtures.Expected("pooled.npy"), rows[^1].ToArray(), "pooled output");
        // Why the quickstart taps stage 4 once: its mean over the 7×7 positions is the pooled output.
        ResNet18Fixtures.AssertRelative(rows[^1].ToArray(), rows[^2].ToArray(), "stage 4 mean vs the pooled output", 1e-6);
    }
}
