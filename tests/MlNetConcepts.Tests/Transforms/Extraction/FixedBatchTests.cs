using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>
/// Models whose batch dimension is fixed at 1: the extractor feeds them one sample per call,
/// whatever batch size is asked for. Oracles: torch (tools/fixtures/ort_fixed_batch.py) and
/// torch running the NuGet ResNet18 from its ONNX initializers (tools/fixtures/resnet18_reference.py).
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

    private static string ResNetFolder => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>
    /// The first <paramref name="n"/> Fashion-MNIST test images, each pixel repeated 8×8 to
    /// 224×224, grey in all three channels on the 0–255 scale, through ResNetPreprocess.onnx
    /// (RGB→BGR, minus the mean image): ResNet18's expected input, [n,3,224,224].
    /// </summary>
    private static NdArray ResNetInputs(int n)
    {
        const string Idx = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
        if (!File.Exists(Idx)) Assert.Inconclusive($"{Idx} missing: install Debian's dataset-fashion-mnist (./run.sh setup).");
        var pixels = IdxFile.Read(Idx).ToFloat32(); // [10000,28,28], 0..255
        const int Side = 224, Plane = Side * Side;
        using var prep = new OnnxSession(Path.Combine(ResNetFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), new OnnxSessionOptions { IntraOpThreads = 1 });
        var all = new float[n * 3 * Plane];
        var rgb = new float[3 * Plane];
        for (int i = 0; i < n; i++)
        {
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    float v = pixels[i * 784 + y / 8 * 28 + x / 8];
                    for (int c = 0; c < 3; c++) rgb[c * Plane + y * Side + x] = v;
                }
            var bgr = prep.Run([OnnxInput.Float(prep.Inputs[0].Name, rgb, 1, 3, Side, Side)], [prep.Outputs[0].Name])[0].ToFloat32();
            bgr.CopyTo(all, i * 3 * Plane);
        }
        return NdArray.FromFloats(all, [n, 3, Side, Side]);
    }

    [TestMethod]
    public void NuGetResNet18MatchesTorchOnFashionMnist()
    {
        using var ex = new ActivationExtractor(new()
        {
            ModelPath = Path.Combine(ResNetFolder, "ResNet18Onnx", "ResNet18.onnx"),
            Tensors = ["Pooling395_Output_0", "ReLU283_Output_0"], // the pooled output, and layer1's output (tapped)
            Tokens = new TokenSelection(TokenMode.Mean),
            BatchSize = 32,
            Session = new OnnxSessionOptions { IntraOpThreads = 2 },
        });
        Assert.AreEqual(1, ex.FixedBatch);
        var pooled = new List<float>();
        var layer1 = new List<float>();
        ex.Run(new TensorInput(ResNetInputs(4), "fashion-mnist"), b => { pooled.AddRange(b[0].Values); layer1.AddRange(b[1].Values); });
        AssertRelative(OrtFixtures.Npy("resnet18/pooled.npy").ToFloat32(), pooled.ToArray(), "pooled output");
        AssertRelative(OrtFixtures.Npy("resnet18/layer1_mean.npy").ToFloat32(), layer1.ToArray(), "layer1 mean");
    }

    private static void AssertRelative(float[] want, float[] got, string what)
    {
        double scale = want.Max(v => Math.Abs((double)v));
        double rel = OrtFixtures.MaxAbsDiff(got, want) / scale;
        Console.WriteLine($"{what}: max |ORT − torch| / max |torch| = {rel:E2} (scale {scale:F3})");
        Assert.IsTrue(scale > 0.1, $"{what}: reference is near zero ({scale})");
        Assert.IsTrue(rel < 1e-4, $"{what}: relative error {rel:E2}");
    }
}
