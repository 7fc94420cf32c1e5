using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Onnx;

[TestClass]
public sealed class OnnxSessionTests
{
    private static readonly OnnxSessionOptions Options = new() { IntraOpThreads = 1 };

    [TestMethod]
    public void VitLogitsMatchTorch()
    {
        using var s = new OnnxSession(OrtFixtures.Path("vit.onnx"), Options);
        Assert.AreEqual("pixel_values", s.Inputs.Single().Name);
        Assert.AreEqual(OnnxElementType.Float, s.Inputs[0].ElementType);
        CollectionAssert.AreEqual(new long[] { -1, 3, 32, 32 }, s.Inputs[0].Dims);
        Assert.AreEqual("batch", s.Inputs[0].SymbolicDims[0]);
        Assert.AreEqual("[batch,3,32,32]", s.Inputs[0].ShapeText);
        var x = OrtFixtures.Npy("vit_input.npy");
        var y = s.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], ["logits"])[0];
        CollectionAssert.AreEqual(new long[] { 2, 10 }, y.Shape);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(y.ToFloat32(), OrtFixtures.Npy("vit_logits.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void SessionFromBytesEqualsSessionFromFile()
    {
        var x = OrtFixtures.Npy("vit_input.npy");
        using var a = new OnnxSession(OrtFixtures.Path("vit.onnx"), Options);
        using var b = new OnnxSession(File.ReadAllBytes(OrtFixtures.Path("vit.onnx")), "vit (bytes)", Options);
        var ya = a.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], ["logits"])[0].ToFloat32();
        var yb = b.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], ["logits"])[0].ToFloat32();
        CollectionAssert.AreEqual(ya, yb);
    }

    [TestMethod]
    public void Int64InputsMatchTorch()
    {
        using var s = new OnnxSession(OrtFixtures.Path("ids.onnx"), Options);
        Assert.AreEqual(OnnxElementType.Int64, s.Inputs[0].ElementType);
        var ids = OrtFixtures.Npy("ids_input.npy");
        var y = s.Run([OnnxInput.Int64("input_ids", ids.ToInt64(), ids.Shape)], ["pooled"])[0];
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(y.ToFloat32(), OrtFixtures.Npy("ids_output.npy").ToFloat32()) < 1e-6);
    }

    [TestMethod]
    public void Float16InputsAndOutputsMatchTorch()
    {
        using var s = new OnnxSession(OrtFixtures.Path("half.onnx"), Options);
        Assert.AreEqual(OnnxElementType.Float16, s.Inputs[0].ElementType);
        Assert.AreEqual(OnnxElementType.Float16, s.Outputs[0].ElementType);
        var x = OrtFixtures.Npy("half_input.npy");
        var y = s.Run([OnnxInput.FromFloats("x", OnnxElementType.Float16, x.ToFloat32(), x.Shape)], ["y"])[0];
        CollectionAssert.AreEqual(OrtFixtures.Npy("half_output.npy").ToFloat32(), y.ToFloat32());
    }

    [TestMethod]
    public void MissingModelFileIsAClearError()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new OnnxSession("/no/such/model.onnx", Options));
        StringAssert.Contains(e.Message, "/no/such/model.onnx");
        StringAssert.Contains(e.Message, "not found");
    }

    [TestMethod]
    public void GarbageBytesCarryOrtsMessage()
    {
        var e = Assert.ThrowsExactly<OnnxRuntimeException>(() => new OnnxSession(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, "junk.onnx", Options));
        StringAssert.Contains(e.Message, "junk.onnx");
        StringAssert.Contains(e.Message, "protobuf parsing failed");
    }

    [TestMethod]
    public void WrongInputSizeCarriesOrtsMessage()
    {
        using var s = new OnnxSession(OrtFixtures.Path("vit.onnx"), Options);
        var e = Assert.ThrowsExactly<OnnxRuntimeException>(() => s.Run([OnnxInput.Float("pixel_values", new float[3 * 16 * 16], 1, 3, 16, 16)], ["logits"]));
        StringAssert.Contains(e.Message, "invalid dimensions");
        Assert.AreEqual(2, e.Code);
    }

    [TestMethod]
    public void UnknownOutputAndInputAreRejectedBeforeRunning()
    {
        using var s = new OnnxSession(OrtFixtures.Path("vit.onnx"), Options);
        var x = new float[3 * 32 * 32];
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => s.Run([OnnxInput.Float("pixel_values", x, 1, 3, 32, 32)], ["nope"])).Message, "'nope' is not an output");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => s.Run([OnnxInput.Float("img", x, 1, 3, 32, 32)], ["logits"])).Message, "'img' is not an input");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => OnnxInput.Float("img", x, 1, 3, 32, 31)).Message, "needs 2976 values");
    }

    [TestMethod]
    public void RepeatedRunsAfterErrorsStillWork()
    {
        // Error paths release their values and unpin their buffers; the session stays usable.
        using var s = new OnnxSession(OrtFixtures.Path("vit.onnx"), Options);
        for (int i = 0; i < 3; i++)
            Assert.ThrowsExactly<OnnxRuntimeException>(() => s.Run([OnnxInput.Float("pixel_values", new float[3 * 8 * 8], 1, 3, 8, 8)], ["logits"]));
        var x = OrtFixtures.Npy("vit_input.npy");
        var y = s.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], ["logits"])[0];
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(y.ToFloat32(), OrtFixtures.Npy("vit_logits.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void TheNuGetRuntimeIsLoaded()
    {
        StringAssert.StartsWith(OnnxSession.RuntimeVersion, "1.31.");
        CollectionAssert.Contains(OnnxSession.AvailableProviders.ToArray(), "CPUExecutionProvider");
    }

    [TestMethod]
    public void AMissingExecutionProviderIsAClearError()
    {
        // The CPU package has no CUDA: asking for it must fail before loading, naming what exists.
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new OnnxSession(OrtFixtures.Path("vit.onnx"), Options with { ExecutionProvider = "CUDA" }));
        StringAssert.Contains(e.Message, "'CUDA'");
        StringAssert.Contains(e.Message, "available: CPU");
    }

    [TestMethod]
    public void ThreadAndOptimisationSettingsGiveTheSameValues()
    {
        var x = OrtFixtures.Npy("vit_input.npy");
        var want = OrtFixtures.Npy("vit_logits.npy").ToFloat32();
        foreach (var o in new[] { new OnnxSessionOptions { IntraOpThreads = 2 }, new OnnxSessionOptions { IntraOpThreads = 1, OptimizationLevel = OnnxOptimizationLevel.None, AllowSpinning = true } })
        {
            using var s = new OnnxSession(OrtFixtures.Path("vit.onnx"), o);
            var y = s.Run([OnnxInput.Float("pixel_values", x.ToFloat32(), x.Shape)], ["logits"])[0];
            Assert.IsTrue(OrtFixtures.MaxAbsDiff(y.ToFloat32(), want) < 1e-4, o.ToString());
        }
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => new OnnxSession(OrtFixtures.Path("vit.onnx"), new OnnxSessionOptions { IntraOpThreads = -1 })).Message, "intra-op threads");
    }
}
