using MlNetConcepts.Imaging;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>
/// The overlapped extraction path (a worker prepares and writes while ONNX Runtime runs) against
/// the sequential reference: the files it writes are equal byte for byte, and errors stop it at
/// the same batch with nothing left behind.
/// </summary>
[TestClass]
public sealed class OverlappedExtractionTests
{
    private static readonly OnnxSessionOptions Session = new() { IntraOpThreads = 1 };

    /// <summary>Writes the files both ways and asserts every file is byte-identical.</summary>
    private static void AssertSameFiles(ActivationExtractorOptions options, Func<ExtractionInput> input)
    {
        string[] dirs = [Path.Combine(OrtFixtures.TempDir(), "seq"), Path.Combine(OrtFixtures.TempDir(), "ovl")];
        for (int k = 0; k < 2; k++)
        {
            using var ex = new ActivationExtractor(options with { Overlap = k == 1 });
            ActivationFiles.Write(ex, input(), dirs[k]);
        }
        var names = OutputFolders.AssertSame(dirs[0], dirs[1], "overlapped");
        Assert.IsTrue(names.Any(n => n.EndsWith(".npy", StringComparison.Ordinal)));
    }

    private static ActivationExtractorOptions Demo(TokenSelection tokens, int batch) => new()
    {
        ModelPath = Path.Combine(DemoModelTests.ModelDir(), "image.onnx"),
        Tensors = ["block0", "block1", "block2", "block3", "image_embeds"],
        Tokens = tokens,
        BatchSize = batch,
        Seed = 7,
        Session = Session,
    };

    [TestMethod]
    public void DemoModelFilesAreByteIdenticalToTheSequentialPath()
    {
        var pictures = IdxImages.ReadImages(DemoModelTests.Dataset("t10k-images-idx3-ubyte.gz"), 300);
        var pre = DemoModelTests.Pre(DemoModelTests.Config());
        // 300 images in batches of 64: five batches, the last one short.
        AssertSameFiles(Demo(TokenSelection.Cls, 64), () => new ImageInput(pictures, pre, "t10k"));
        AssertSameFiles(Demo(new TokenSelection(TokenMode.All), 64), () => new ImageInput(pictures, pre, "t10k"));
        AssertSameFiles(Demo(new TokenSelection(TokenMode.Mean), 64), () => new ImageInput(pictures, pre, "t10k"));
        AssertSameFiles(Demo(new TokenSelection(TokenMode.Random, 3), 64), () => new ImageInput(pictures, pre, "t10k"));
    }

    [TestMethod]
    public void TextTowerFilesAreByteIdenticalToTheSequentialPath()
    {
        // Token ids are int64: a fresh pinned tensor per batch instead of the reused float buffers.
        var c = DemoModelTests.Config();
        var tok = DemoModelTests.Tokenizer(c);
        var prompts = DemoModelTests.Prompts(c);
        var options = new ActivationExtractorOptions { ModelPath = Path.Combine(DemoModelTests.ModelDir(), "text.onnx"), Tensors = ["block0", "text_embeds"], BatchSize = 3, Session = Session };
        AssertSameFiles(options with { Tokens = new TokenSelection(TokenMode.All) }, () => new TextInput(prompts, tok));
        AssertSameFiles(options with { Tokens = new TokenSelection(TokenMode.End) }, () => new TextInput(prompts, tok));
        AssertSameFiles(options with { Tokens = new TokenSelection(TokenMode.Mean) }, () => new TextInput(prompts, tok));
    }

    [TestMethod]
    public void FixedBatchModelWithChannelsFirstMapsIsByteIdentical()
    {
        // fixed.onnx takes batch 1; its features are [1,6,2,2] maps (tokens read channels first).
        var options = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("fixed.onnx"), Tensors = ["logits", "features"], BatchSize = 2, Session = Session };
        foreach (var tokens in new[] { TokenSelection.Cls, new TokenSelection(TokenMode.All), new TokenSelection(TokenMode.Mean) })
            AssertSameFiles(options with { Tokens = tokens }, () => new TensorInput(OrtFixtures.Npy("fixed_input.npy"), "fixed_input.npy"));
    }

    /// <summary>Ten Fashion-MNIST PNG files; <paramref name="corrupt"/> (if ≥ 0) is cut in half.</summary>
    private static string[] PngFiles(int corrupt)
    {
        var dir = OrtFixtures.TempDir();
        var pictures = IdxImages.ReadImages(DemoModelTests.Dataset("t10k-images-idx3-ubyte.gz"), 10);
        var files = new string[pictures.Count];
        for (int i = 0; i < files.Length; i++)
        {
            var p = pictures[i];
            var png = PngWriter.Encode(new PixelImage(p.Width, p.Height, 1, Array.ConvertAll(p.Pixels, v => (byte)v)));
            files[i] = Path.Combine(dir, $"img{i}.png");
            File.WriteAllBytes(files[i], i == corrupt ? png[..(png.Length / 2)] : png);
        }
        return files;
    }

    [TestMethod]
    public void ABadImageInTheThirdOfFiveBatchesNamesTheFileAndLeavesNothing()
    {
        var files = PngFiles(corrupt: 5); // batches of 2: image 5 is in batch 3 of 5
        var pre = DemoModelTests.Pre(DemoModelTests.Config());
        var dir = Path.Combine(OrtFixtures.TempDir(), "out");
        using var ex = new ActivationExtractor(Demo(TokenSelection.Cls, 2));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new ImageInput(files, pre), dir));
        StringAssert.Contains(e.Message, "img5.png");
        Assert.IsTrue(!Directory.Exists(dir) || Directory.GetFileSystemEntries(dir).Length == 0, "no .npy, temporary file or rows.csv left behind");

        // The batches before the bad one went through the sink, in order, and none after it.
        var seen = new List<long>();
        Assert.ThrowsExactly<ConceptDataException>(() => ex.Run(new ImageInput(files, pre), b => seen.Add(b[0].SampleIds[0])));
        CollectionAssert.AreEqual(new long[] { 0, 2 }, seen);
    }

    [TestMethod]
    public void AFailingSinkStopsTheRunAtThatBatch()
    {
        var files = PngFiles(corrupt: -1);
        var pre = DemoModelTests.Pre(DemoModelTests.Config());
        using var ex = new ActivationExtractor(Demo(TokenSelection.Cls, 2));
        var seen = new List<long>();
        var e = Assert.ThrowsExactly<IOException>(() => ex.Run(new ImageInput(files, pre), b =>
        {
            seen.Add(b[0].SampleIds[0]);
            if (seen.Count == 3) throw new IOException("disk full");
        }));
        Assert.AreEqual("disk full", e.Message);
        CollectionAssert.AreEqual(new long[] { 0, 2, 4 }, seen, "no sink call after the failing one");

        // The extractor stays usable: a later run goes through every batch.
        seen.Clear();
        ex.Run(new ImageInput(files, pre), b => seen.Add(b[0].SampleIds[0]));
        CollectionAssert.AreEqual(new long[] { 0, 2, 4, 6, 8 }, seen);
    }

    /// <summary>Samples whose names fail: rows.csv, written while the .npy files are finished on other threads, fails.</summary>
    private sealed class UnnamedInput(ExtractionInput inner) : ExtractionInput
    {
        public override int Count => inner.Count;
        public override string Modality => inner.Modality;
        public override string SampleName(int i) => i < 3 ? inner.SampleName(i) : throw new InvalidDataException($"no name for sample {i}");
        public override OnnxInput Batch(int start, int count, OnnxTensorInfo input) => inner.Batch(start, count, input);
        public override long[] BatchInto(int start, int count, OnnxTensorInfo input, float[] buffer) => inner.BatchInto(start, count, input, buffer);
    }

    [TestMethod]
    public void AFailureWhileFinishingTheFilesIsTheRunsErrorAndLeavesNoTemporaryFile()
    {
        var pictures = IdxImages.ReadImages(DemoModelTests.Dataset("t10k-images-idx3-ubyte.gz"), 10);
        var pre = DemoModelTests.Pre(DemoModelTests.Config());
        foreach (bool overlap in new[] { true, false })
        {
            var dir = Path.Combine(OrtFixtures.TempDir(), "out");
            using var ex = new ActivationExtractor(Demo(TokenSelection.Cls, 4) with { Overlap = overlap });
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ActivationFiles.Write(ex, new UnnamedInput(new ImageInput(pictures, pre, "t10k")), dir));
            Assert.AreEqual("no name for sample 3", e.Message);
            Assert.IsFalse(File.Exists(Path.Combine(dir, "rows.csv")));
            Assert.AreEqual(0, Directory.GetFiles(dir, ".*").Length, "a hidden temporary file was left behind");
        }
    }
}
