using MlNetConcepts.Data;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

[TestClass]
public sealed class ActivationExtractorTransformerTests
{
    private static ActivationExtractorOptions Options(TokenSelection tokens) => new()
    {
        ModelPath = OrtFixtures.Path("vit.onnx"),
        Tensors = ["block:2", "logits"],
        Tokens = tokens,
        BatchSize = 2,
        Session = new OnnxSessionOptions { IntraOpThreads = 1 },
    };

    [TestMethod]
    public void ImagePathColumnGainsClsAndLogitColumnsEqualToTorch()
    {
        var files = ImageFile.ListFolder(OrtFixtures.Path("vit_images")).ToArray();
        var view = InMemoryView.Create().AddStrings("Path", files).Build();
        var ctx = new ConceptContext(1);
        using var t = ctx.Transforms.ExtractImageActivations(Options(TokenSelection.Cls), "Path", ImagePreprocessor.None(3) with { Mean = [0.5f], Std = [0.5f] });
        var schema = t.GetOutputSchema(view.Schema);
        Assert.AreEqual(32, schema["block_2"].Type.VectorSize);
        Assert.AreEqual(10, schema["logits"].Type.VectorSize);
        var cls = t.Transform(view).ReadMatrix("block_2", out int rows, out int width);
        Assert.AreEqual(3, rows);
        var want = OrtFixtures.Npy("vit_images_block2.npy").ToFloat32(); // [3,17,32]
        for (int s = 0; s < 3; s++)
            for (int d = 0; d < 32; d++) Assert.AreEqual(want[s * 17 * 32 + d], cls[s * width + d], 1e-4);
        CollectionAssert.AreEqual(files, t.Transform(view).ReadStrings("Path"), "input columns pass through");
    }

    [TestMethod]
    public void SeveralRowsPerSampleAndWrongColumnsAreRejected()
    {
        var pre = ImagePreprocessor.None(3);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => new ConceptContext().Transforms.ExtractImageActivations(Options(new TokenSelection(TokenMode.All)), "Path", pre)).Message, "one row per input row");
        using var t = new ConceptContext().Transforms.ExtractImageActivations(Options(TokenSelection.Cls), "Path", pre);
        var numbers = InMemoryView.Create().AddFloats("Path", [1f]).Build();
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => t.GetOutputSchema(numbers.Schema)).Message, "must be a text column");
    }

    [TestMethod]
    public void SaveLoadGivesTheSameColumnsForImagesAndTexts()
    {
        var ctx = new ConceptContext(2);
        var files = ImageFile.ListFolder(OrtFixtures.Path("vit_images")).ToArray();
        var view = InMemoryView.Create().AddStrings("Path", files).Build();
        var archive = Path.Combine(OrtFixtures.TempDir(), "extractor.zip");
        float[] before;
        using (var t = ctx.Transforms.ExtractImageActivations(Options(new TokenSelection(TokenMode.Mean)), "Path", ImagePreprocessor.Clip(32), ["b2", "lg"]))
        {
            before = t.Transform(view).ReadMatrix("b2", out _, out _);
            ctx.Model.Save(t, archive);
        }
        var loaded = ctx.Model.Load(archive);
        Assert.IsInstanceOfType<ActivationExtractorTransformer>(loaded);
        CollectionAssert.AreEqual(before, loaded.Transform(view).ReadMatrix("b2", out _, out _));
        ((IDisposable)loaded).Dispose();

        // Texts through a word tokenizer into the int64 model (ids.onnx: 10 embeddings, context 5).
        var vocab = Path.Combine(OrtFixtures.TempDir(), "v.txt");
        File.WriteAllLines(vocab, ["<pad>", "<start>", "<end>", "a", "b", "c"]);
        var tok = new MlNetConcepts.Transforms.Text.WordTokenizer(vocab, 5);
        var texts = InMemoryView.Create().AddStrings("Text", ["a b", "c"]).Build();
        var textOptions = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("ids.onnx"), Tensors = ["pooled"], Session = new OnnxSessionOptions { IntraOpThreads = 1 } };
        var textArchive = Path.Combine(OrtFixtures.TempDir(), "text.zip");
        float[] pooled;
        using (var t = ctx.Transforms.ExtractTextActivations(textOptions, "Text", tok))
        {
            pooled = t.Transform(texts).ReadMatrix("pooled", out int rows, out int width);
            Assert.AreEqual(2, rows);
            Assert.AreEqual(4, width);
            ctx.Model.Save(t, textArchive);
        }
        var t2 = ctx.Model.Load(textArchive);
        CollectionAssert.AreEqual(pooled, t2.Transform(texts).ReadMatrix("pooled", out _, out _));
        ((IDisposable)t2).Dispose();
    }
}
