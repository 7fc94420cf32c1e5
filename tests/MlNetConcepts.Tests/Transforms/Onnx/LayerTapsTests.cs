using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Onnx;

[TestClass]
public sealed class LayerTapsTests
{
    private static readonly OnnxSessionOptions Options = new() { IntraOpThreads = 1 };

    [TestMethod]
    public void GraphScanListsNodesAndOutputs()
    {
        var g = OnnxGraph.Read(OrtFixtures.Path("vit.onnx"), out _);
        CollectionAssert.AreEqual(new[] { "pixel_values" }, g.Inputs.Where(i => !g.Initializers.Contains(i)).ToArray());
        CollectionAssert.AreEqual(new[] { "logits" }, g.Outputs.ToArray());
        Assert.AreEqual("Gemm", g.Nodes[^1].OpType);
        Assert.AreEqual("logits", g.Nodes[^1].Outputs[0]);
        Assert.IsTrue(g.Initializers.Count > 10);
    }

    [TestMethod]
    public void BlockPatternsResolveToTheResidualOutputs()
    {
        var g = OnnxGraph.Read(OrtFixtures.Path("vit.onnx"), out _);
        Assert.AreEqual("/encoder/layers/encoder_layer_0/Add_1_output_0", LayerTaps.Resolve(g, "block:0", "vit"));
        Assert.AreEqual("/encoder/layers/encoder_layer_2/Add_1_output_0", LayerTaps.Resolve(g, "block:-1", "vit"));
        Assert.AreEqual("/encoder/layers/encoder_layer_1/Add_1_output_0", LayerTaps.Resolve(g, "encoder/block:1", "vit"));
        Assert.AreEqual(3, LayerTaps.List(g).Count(t => t.IsBlockOutput));
    }

    [TestMethod]
    public void TappedBlocksEqualTorchHooks()
    {
        using var m = new TappedModel(OrtFixtures.Path("vit.onnx"), ["block:0", "block:1", "block:2", "logits"], Options);
        var x = OrtFixtures.Npy("vit_input.npy");
        var outs = m.Session.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], m.Tensors);
        for (int i = 0; i < 3; i++)
        {
            var want = OrtFixtures.Npy($"vit_block{i}.npy");
            CollectionAssert.AreEqual(want.Shape, outs[i].Shape);
            double d = OrtFixtures.MaxAbsDiff(outs[i].ToFloat32(), want.ToFloat32());
            Assert.IsTrue(d < 1e-4, $"block {i}: max abs diff {d}");
        }
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(outs[3].ToFloat32(), OrtFixtures.Npy("vit_logits.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void UnknownTensorNamesAreRejectedWithSuggestions()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new TappedModel(OrtFixtures.Path("vit.onnx"), ["Add_1_output"], Options));
        StringAssert.Contains(e.Message, "tensor 'Add_1_output' is not in the graph");
        StringAssert.Contains(e.Message, "encoder_layer_0/Add_1_output_0");
        var b = Assert.ThrowsExactly<ConceptDataException>(() => new TappedModel(OrtFixtures.Path("vit.onnx"), ["block:7"], Options));
        StringAssert.Contains(b.Message, "block 7 does not exist (blocks 0..2)");
    }

    [TestMethod]
    public void CorruptModelBytesAreAClearError()
    {
        var bytes = File.ReadAllBytes(OrtFixtures.Path("vit.onnx"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => OnnxGraph.Parse(bytes[..(bytes.Length / 2)], "half.onnx"));
        StringAssert.Contains(e.Message, "half.onnx");
    }
}

[TestClass]
public sealed class ExternalDataTests
{
    [TestMethod]
    public void TappedModelWithExternalWeightsEqualsTorch()
    {
        using var m = new TappedModel(OrtFixtures.Path("vit_external/vit_ext.onnx"), ["block:1"], new OnnxSessionOptions { IntraOpThreads = 1 });
        var x = OrtFixtures.Npy("vit_input.npy");
        var y = m.Session.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], m.Tensors)[0];
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(y.ToFloat32(), OrtFixtures.Npy("vit_block1.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void BytesWithoutTheExternalDataFolderFailWithOrtsMessage()
    {
        // Proves the session config entry is what makes the tapped model above load.
        var bytes = File.ReadAllBytes(OrtFixtures.Path("vit_external/vit_ext.onnx"));
        var e = Assert.ThrowsExactly<OnnxRuntimeException>(() => new OnnxSession(bytes, "vit_ext.onnx", new OnnxSessionOptions { IntraOpThreads = 1 }));
        StringAssert.Contains(e.Message, "vit_ext.onnx");
    }
}
