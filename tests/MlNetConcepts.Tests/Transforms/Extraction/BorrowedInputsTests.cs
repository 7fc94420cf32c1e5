using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>
/// Feeding ONNX Runtime from the input's own memory (a float32 <see cref="TensorInput"/> lends
/// its array) against copying each batch into a reused buffer and against the sequential
/// reference, which builds every batch afresh.
/// </summary>
[TestClass]
public sealed class BorrowedInputsTests
{
    private static readonly OnnxTensorInfo VitPixels = new("pixel_values", OnnxElementType.Float, [-1, 3, 32, 32], []);

    /// <summary>The same samples, but the input never lends its memory: the overlapped path copies each batch.</summary>
    private sealed class CopiedInput(ExtractionInput inner) : ExtractionInput
    {
        public override int Count => inner.Count;
        public override string Modality => inner.Modality;
        public override string SampleName(int i) => inner.SampleName(i);
        public override OnnxInput Batch(int start, int count, OnnxTensorInfo input) => inner.Batch(start, count, input);
        public override long[] BatchInto(int start, int count, OnnxTensorInfo input, float[] buffer) => inner.BatchInto(start, count, input, buffer);
    }

    private static NdArray RandomPixels(int samples)
    {
        var rng = new Random(11);
        var data = new float[samples * 3 * 32 * 32];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 4 - 2);
        return NdArray.FromFloats(data, samples, 3, 32, 32);
    }

    [TestMethod]
    public void AFloatTensorLendsItsArrayAtTheBatchOffset()
    {
        var pixels = RandomPixels(5);
        var lent = new TensorInput(pixels, "pixels").Borrow(3, 2, VitPixels);
        Assert.IsNotNull(lent);
        Assert.AreSame(pixels.Data, lent.Values, "the input's own array, not a copy");
        Assert.AreEqual(3L * 3 * 32 * 32, lent.Offset);
        CollectionAssert.AreEqual(new long[] { 2, 3, 32, 32 }, lent.Shape);

        // Token ids must be converted per batch; a float tensor of the wrong sample shape is refused as Batch refuses it.
        Assert.IsNull(new TensorInput(NdArray.FromInt64s([1, 2, 3, 4, 5], 1, 5), "ids").Borrow(0, 1, new OnnxTensorInfo("input_ids", OnnxElementType.Int64, [-1, 5], [])));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new TensorInput(NdArray.FromFloats(new float[2 * 3 * 16 * 16], 2, 3, 16, 16), "small.npy").Borrow(0, 2, VitPixels));
        StringAssert.Contains(e.Message, "small.npy");
        StringAssert.Contains(e.Message, "pixel_values");
    }

    [TestMethod]
    public void BorrowedBatchesWriteTheSameFilesAsCopiedOnesAndAsTheSequentialPath()
    {
        // 10 samples in batches of 4: offsets 0, 4 and 8 samples, the last batch short.
        var pixels = RandomPixels(10);
        var before = ((float[])pixels.Data).ToArray();
        var options = new ActivationExtractorOptions
        {
            ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["block:0", "block:2", "logits"], Tokens = new TokenSelection(TokenMode.All),
            BatchSize = 4, Session = new OnnxSessionOptions { IntraOpThreads = 1 },
        };
        var ways = new (string Name, bool Overlap, Func<ExtractionInput> Input)[]
        {
            ("sequential", false, () => new TensorInput(pixels, "pixels.npy")),
            ("borrowed", true, () => new TensorInput(pixels, "pixels.npy")),
            ("copied", true, () => new CopiedInput(new TensorInput(pixels, "pixels.npy"))),
        };
        var root = OrtFixtures.TempDir();
        foreach (var (name, overlap, input) in ways)
        {
            using var ex = new ActivationExtractor(options with { Overlap = overlap });
            ActivationFiles.Write(ex, input(), Path.Combine(root, name));
        }
        foreach (var way in new[] { "borrowed", "copied" })
        {
            var files = OutputFolders.AssertSame(Path.Combine(root, "sequential"), Path.Combine(root, way), way);
            CollectionAssert.AreEqual(new[] { "block_0.npy", "block_2.npy", "logits.npy", "logits.rows.csv", "rows.csv" }, files);
        }
        Assert.AreEqual(170L, NpyFile.ReadShape(Path.Combine(root, "borrowed", "block_2.npy")).Shape[0], "10 samples × 17 tokens");
        CollectionAssert.AreEqual(before, (float[])pixels.Data, "ONNX Runtime read the lent memory and left it as it was");
    }

    [TestMethod]
    public void ATensorOfTheWrongShapeStopsTheOverlappedRunWithNothingWritten()
    {
        var dir = Path.Combine(OrtFixtures.TempDir(), "out");
        using var ex = new ActivationExtractor(new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["block:0"], BatchSize = 2, Session = new OnnxSessionOptions { IntraOpThreads = 1 } });
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new TensorInput(NdArray.FromFloats(new float[4 * 3 * 16 * 16], 4, 3, 16, 16), "small.npy"), dir));
        StringAssert.Contains(e.Message, "small.npy");
        Assert.IsTrue(!Directory.Exists(dir) || Directory.GetFileSystemEntries(dir).Length == 0, "no .npy, temporary file or rows.csv left behind");
    }

    [TestMethod]
    public void AValueOverABorrowedBatchShowsExactlyItsSlice()
    {
        var values = Enumerable.Range(0, 40).Select(i => i * 0.5f).ToArray();
        using var inputs = new BorrowedInputs(new OnnxTensorInfo("x", OnnxElementType.Float, [-1, 4], []));
        using (var v = inputs.Value(new BorrowedBatch(values, 12, [3, 4])))
        {
            CollectionAssert.AreEqual(values[12..24], v.GetTensorDataAsSpan<float>().ToArray());
            CollectionAssert.AreEqual(new long[] { 3, 4 }, v.GetTensorTypeAndShape().Shape);
        }
        Assert.ThrowsExactly<InvalidOperationException>(() => inputs.Value(new BorrowedBatch(values, 32, [3, 4])), "a batch past the end of its array");
    }
}
