using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>
/// Models whose batch dimension is fixed at 1: the extractor feeds them one sample per call,
/// whatever batch size is asked for. Oracle: torch (tools/fixtures/ort_fixed_batch.py). The NuGet
/// ResNet18, also fixed at batch 1, is checked against torch in Studies/ResNet18/ResNet18ActivationsTests.
/// </summary>
[TestClass]
public sealed class FixedBatchTests
{
    [TestMethod]
    public void FixedBatchModelGivesTorchsRowsForAnyBatchSize()
    {
        var input = OrtFixtures.Npy("fixed_input.npy"); // [3,3,8,8]
        var logits = OrtFixtures.Npy("fixed_logits.npy").ToFloat32(); // [3,5]
        var features = OrtFixtures.Npy("fixed_features.npy").ToFloat32(); // [3,6,2,2]
        using var ex = new ActivationExtractor(new()
        {
            ModelPath = OrtFixtures.Path("fixed.onnx"),
            Tensors = ["logits", "features"],
            Tokens = new TokenSelection(TokenMode.All),
            BatchSize = 2, // more than the model takes: must not reach ONNX Runtime as a batch of 2
            Session = new OnnxSessionOptions { IntraOpThreads = 1 },
        });
        Assert.AreEqual(1, ex.FixedBatch);
        var batches = new List<IReadOnlyList<ActivationBlock>>();
        ex.Run(new TensorInput(input, "fixed_input.npy"), batches.Add);
        Assert.AreEqual(3, batches.Count);
        for (int s = 0; s < 3; s++)
        {
            var l = batches[s][0];
            CollectionAssert.AreEqual(new long[] { s }, l.SampleIds);
            Assert.IsTrue(OrtFixtures.MaxAbsDiff(l.Values, logits.AsSpan(s * 5, 5)) < 1e-5, $"logits of sample {s}");
            // A [1,6,2,2] feature map: 4 positions (tokens) of width 6, channels first.
            var f = batches[s][1];
            Assert.AreEqual(6, f.Width);
            CollectionAssert.AreEqual(new[] { 0, 1, 2, 3 }, f.TokenIndices);
            for (int t = 0; t < 4; t++)
                for (int c = 0; c < 6; c++)
                    Assert.AreEqual(features[s * 24 + c * 4 + t], f.Values[t * 6 + c], 1e-5, $"sample {s}, position {t}, channel {c}");
        }
    }

    [TestMethod]
    public void ABatchOfTwoIsRejectedByTheModelItself()
    {
        // Proves the row-at-a-time path above is needed: the graph bakes its batch of 1 in.
        using var s = new OnnxSession(OrtFixtures.Path("fixed.onnx"), new OnnxSessionOptions { IntraOpThreads = 1 });
        CollectionAssert.AreEqual(new long[] { 1, 3, 8, 8 }, s.Inputs[0].Dims);
        var x = OrtFixtures.Npy("fixed_input.npy").ToFloat32()[..(2 * 3 * 8 * 8)];
        var e = Assert.ThrowsExactly<OnnxRuntimeException>(() => s.Run([OnnxInput.Float("x", x, 2, 3, 8, 8)], ["logits"]));
        StringAssert.Contains(e.Message, "fixed.onnx");
        StringAssert.Contains(e.Message, "invalid dimensions");
    }
}
