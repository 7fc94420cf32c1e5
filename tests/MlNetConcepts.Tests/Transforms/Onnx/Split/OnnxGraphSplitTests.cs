using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Onnx.Split;

namespace MlNetConcepts.Tests.Transforms.Onnx.Split;

/// <summary>
/// Head∘tail equals the whole model (run by ONNX Runtime on the unsplit file) within 1e-5 on the
/// demo VLM, the torchvision ViT fixture (also with external data) and the NuGet ResNet18, at
/// block outputs and inside residual blocks, where the skip connection crosses the cut.
/// </summary>
[TestClass]
public sealed class OnnxGraphSplitTests
{
    private static readonly OnnxSessionOptions Options = new() { IntraOpThreads = 1 };

    internal static string DemoModel()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tools", "demo-model", "model", "image.onnx");
            if (File.Exists(p)) return p;
        }
        Assert.Fail("tools/demo-model/model/image.onnx not found above the test folder");
        return "";
    }

    private static string ResNet18 => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    private static float[] Normal(int count, int seed)
    {
        var r = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        return x;
    }

    /// <summary>Splits <paramref name="model"/> at <paramref name="tensor"/>, runs both ways, returns the split and the largest difference over every output.</summary>
    private static (OnnxSplit Split, double MaxDiff) Compare(string model, string tensor, OnnxInput input, string? wholeModel = null)
    {
        var split = OnnxGraphSplit.Split(model, tensor);
        using var whole = new OnnxSession(wholeModel ?? model, Options);
        var names = whole.Outputs.Select(o => o.Name).ToArray();
        var want = whole.Run([input], names);
        using var halves = new SplitModel(split, model, Options);
        var got = halves.Run([input], names);
        double max = 0;
        for (int i = 0; i < names.Length; i++)
        {
            CollectionAssert.AreEqual(want[i].Shape, got[i].Shape, names[i]);
            max = Math.Max(max, OrtFixtures.MaxAbsDiff(want[i].ToFloat32(), got[i].ToFloat32()));
        }
        Console.WriteLine($"{Path.GetFileName(model)} at {tensor}: crossing [{string.Join(", ", split.Crossing.Select(c => c.Name))}], max |whole − head∘tail| = {max:E2}");
        return (split, max);
    }

    [TestMethod]
    [DataRow("block3")]
    [DataRow("block1")]
    [DataRow("/m/blocks.0/attn/Softmax_output_0")]
    [DataRow("/m/patch/Conv_output_0")]
    public void DemoModelHeadThenTailEqualsTheWholeModel(string tensor)
    {
        var x = OnnxInput.Float("pixel_values", Normal(3 * 784, 5), 3, 1, 28, 28);
        var (split, diff) = Compare(DemoModel(), tensor, x);
        Assert.IsTrue(diff < 1e-5, $"max diff {diff}");
        Assert.AreEqual(tensor, split.Tensor.Name);
        Assert.AreEqual(OnnxElementType.Float, split.Tensor.ElementType);
        CollectionAssert.Contains(split.TailOutputs.ToArray(), "image_embeds");
        CollectionAssert.DoesNotContain(split.TailOutputs.ToArray(), tensor, "the cut tensor comes from the head");
    }

    [TestMethod]
    public void DemoModelCutInsideAResidualBlockPassesTheSkipConnection()
    {
        // The LayerNorm output inside block 2: block 2's residual Adds also read block1, which must cross.
        var x = OnnxInput.Float("pixel_values", Normal(2 * 784, 6), 2, 1, 28, 28);
        var (split, diff) = Compare(DemoModel(), "/m/blocks.2/ln1/Add_1_output_0", x);
        Assert.IsTrue(diff < 1e-5, $"max diff {diff}");
        CollectionAssert.Contains(split.Crossing.Select(c => c.Name).ToArray(), "block1");
        var skip = split.Crossing.Single(c => c.Name == "block1");
        Assert.AreEqual(3, skip.Dims.Length, "the crossing tensor is declared with its rank");
        Assert.AreEqual(64, skip.Dims[2]);
        // Outputs computed before the cut come from the head, the rest from the tail.
        CollectionAssert.AreEqual(new[] { "block2", "block3", "image_embeds" }, split.TailOutputs.ToArray());
        CollectionAssert.IsSubsetOf(new[] { "block0", "block1" }, split.HeadOutputs.ToArray());
    }

    [TestMethod]
    public void ConstantsAreCopiedIntoTheTailNotPassedAcross()
    {
        var split = OnnxGraphSplit.Split(DemoModel(), "block3");
        // After block3 the tail reads the CLS index (a Constant) and the LayerNorm constants: none crosses.
        Assert.AreEqual(0, split.Crossing.Count, string.Join(", ", split.Crossing.Select(c => c.Name)));
        var tail = OnnxGraph.Parse(split.Tail, "tail");
        CollectionAssert.AreEqual(new[] { "block3" }, tail.Inputs.Where(i => !tail.Initializers.Contains(i)).ToArray());
        CollectionAssert.Contains(tail.Initializers.ToArray(), "m.ln.weight");
        CollectionAssert.DoesNotContain(tail.Initializers.ToArray(), "m.pos", "weights used only before the cut stay in the head");
        var head = OnnxGraph.Parse(split.Head, "head");
        CollectionAssert.DoesNotContain(head.Initializers.ToArray(), "m.ln.weight");
    }

    [TestMethod]
    public void VitFixtureSplitsAtABlockAndInsideOne()
    {
        var x = OrtFixtures.Npy("vit_input.npy");
        var input = OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape);
        var (_, atBlock) = Compare(OrtFixtures.Path("vit.onnx"), "block:1", input);
        Assert.IsTrue(atBlock < 1e-5, $"max diff {atBlock}");
        var (split, inside) = Compare(OrtFixtures.Path("vit.onnx"), "/encoder/layers/encoder_layer_1/ln_1/Add_1_output_0", input);
        Assert.IsTrue(inside < 1e-5, $"max diff {inside}");
        CollectionAssert.Contains(split.Crossing.Select(c => c.Name).ToArray(), "/encoder/layers/encoder_layer_0/Add_1_output_0");
    }

    [TestMethod]
    public void ExternalDataIsInlinedIntoBothHalves()
    {
        var x = OrtFixtures.Npy("vit_input.npy");
        var input = OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape);
        // The halves load from memory with no external-data folder: they can only run if the weights are inline.
        var (split, diff) = Compare(OrtFixtures.Path("vit_external/vit_ext.onnx"), "block:1", input, wholeModel: OrtFixtures.Path("vit.onnx"));
        Assert.IsTrue(diff < 1e-5, $"max diff {diff}");
        Assert.IsFalse(System.Text.Encoding.ASCII.GetString(split.Head).Contains("vit_ext.data"));
        Assert.IsFalse(System.Text.Encoding.ASCII.GetString(split.Tail).Contains("vit_ext.data"));
    }

    [TestMethod]
    [DataRow("ReLU283_Output_0")]
    [DataRow("BatchNormalization279_Output_0")]
    public void NuGetResNet18HeadThenTailEqualsTheWholeModel(string tensor)
    {
        if (!File.Exists(ResNet18)) Assert.Inconclusive($"{ResNet18} missing (restore the test project).");
        var x = Normal(3 * 224 * 224, 7);
        for (int i = 0; i < x.Length; i++) x[i] *= 60; // the scale of mean-subtracted 0–255 pixels
        var (split, diff) = Compare(ResNet18, tensor, OnnxInput.Float("Input247", x, 1, 3, 224, 224));
        Assert.IsTrue(diff < 1e-5 * 10, $"max diff {diff}"); // outputs are O(10): 1e-5 relative
        if (tensor == "BatchNormalization279_Output_0")
            CollectionAssert.AreEqual(new[] { "ReLU269_Output_0" }, split.Crossing.Select(c => c.Name).ToArray(), "the skip connection of the residual block crosses");
    }

    [TestMethod]
    public void BadTensorNamesAreClearErrors()
    {
        var model = DemoModel();
        var unknown = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraphSplit.Split(model, "blok3"));
        StringAssert.Contains(unknown.Message, "'blok3' is not in the graph");
        StringAssert.Contains(unknown.Message, "block3");
        var input = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraphSplit.Split(model, "pixel_values"));
        StringAssert.Contains(input.Message, "is an input of the model");
        var weight = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraphSplit.Split(model, "m.pos"));
        StringAssert.Contains(weight.Message, "weight (initializer)");
        var constant = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraphSplit.Split(model, "/m/Constant_output_0"));
        StringAssert.Contains(constant.Message, "is a constant");
        var last = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraphSplit.Split(model, "image_embeds"));
        StringAssert.Contains(last.Message, "no node reads");
        foreach (var e in new Exception[] { unknown, input, weight, constant, last }) StringAssert.Contains(e.Message, "image.onnx");
    }
}
