using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

[TestClass]
public sealed class ActivationExtractorTests
{
    private static ActivationExtractorOptions Options(TokenSelection tokens, params string[] tensors) => new()
    {
        ModelPath = OrtFixtures.Path("vit.onnx"),
        Tensors = tensors,
        Tokens = tokens,
        BatchSize = 1, // two batches for two samples: exercises streaming across batches
        Session = new OnnxSessionOptions { IntraOpThreads = 1 },
        Seed = 5,
    };

    private static TensorInput VitInput() => new(OrtFixtures.Npy("vit_input.npy"), "vit_input.npy");

    [TestMethod]
    public void AllTokensOfEveryBlockEqualTorch()
    {
        var dir = OrtFixtures.TempDir();
        using var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.All), "block:0", "block:1", "block:2"));
        var result = ActivationFiles.Write(ex, VitInput(), dir);
        for (int i = 0; i < 3; i++)
        {
            var got = NpyFile.Read(result.Files[i]);
            CollectionAssert.AreEqual(new long[] { 34, 32 }, got.Shape);
            double d = OrtFixtures.MaxAbsDiff(got.ToFloat32(), OrtFixtures.Npy($"vit_block{i}.npy").ToFloat32());
            Assert.IsTrue(d < 1e-4, $"block {i}: {d}");
        }
        var rows = File.ReadAllLines(Path.Combine(dir, "rows.csv"));
        Assert.AreEqual(35, rows.Length);
        Assert.AreEqual("row,sample,token,modality,name", rows[0]);
        Assert.AreEqual("18,1,1,tensor,vit_input.npy#1", rows[19]);
        Assert.AreEqual(1, result.RowsCsv.Count, "all three blocks share one row layout");
    }

    [TestMethod]
    public void ClsMeanAndRandomSelectTheRightTokens()
    {
        var want = OrtFixtures.Npy("vit_block2.npy").ToFloat32(); // [2,17,32]
        float W(int s, int t, int d) => want[(s * 17 + t) * 32 + d];
        var blocks = new List<ActivationBlock>();
        using (var ex = new ActivationExtractor(Options(TokenSelection.Cls, "block:2")))
            ex.Run(VitInput(), b => blocks.Add(b[0]));
        Assert.AreEqual(2, blocks.Count);
        for (int s = 0; s < 2; s++)
            for (int d = 0; d < 32; d++) Assert.AreEqual(W(s, 0, d), blocks[s].Values[d], 1e-4);

        blocks.Clear();
        using (var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.Mean), "block:2")))
            ex.Run(VitInput(), b => blocks.Add(b[0]));
        for (int s = 0; s < 2; s++)
        {
            Assert.AreEqual(-1, blocks[s].TokenIndices.Single());
            for (int d = 0; d < 32; d++)
                Assert.AreEqual(Enumerable.Range(0, 17).Average(t => (double)W(s, t, d)), blocks[s].Values[d], 1e-4);
        }

        var first = new List<ActivationBlock>();
        using (var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.Random, 5), "block:2")))
            ex.Run(VitInput(), b => first.Add(b[0]));
        for (int s = 0; s < 2; s++)
        {
            var t = first[s].TokenIndices;
            Assert.AreEqual(5, t.Distinct().Count());
            Assert.IsTrue(t.All(i => i >= 0 && i < 17));
            for (int r = 0; r < 5; r++)
                for (int d = 0; d < 32; d++) Assert.AreEqual(W(s, t[r], d), first[s].Values[r * 32 + d], 1e-4);
        }
        CollectionAssert.AreNotEqual(first[0].TokenIndices, first[1].TokenIndices, "samples draw their own tokens (seeded per sample)");
        // Same seed, different batching: same tokens.
        var again = new List<ActivationBlock>();
        using (var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.Random, 5), "block:2") with { BatchSize = 2 }))
            ex.Run(VitInput(), b => again.Add(b[0]));
        CollectionAssert.AreEqual(first.SelectMany(b => b.TokenIndices).ToArray(), again[0].TokenIndices);
    }

    [TestMethod]
    public void ImageFolderEndToEndEqualsTorch()
    {
        var files = ImageFile.ListFolder(OrtFixtures.Path("vit_images"));
        var pre = ImagePreprocessor.None(3) with { Mean = [0.5f], Std = [0.5f] };
        var dir = OrtFixtures.TempDir();
        using var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.All), "block:2") with { BatchSize = 2 });
        var result = ActivationFiles.Write(ex, new ImageInput(files, pre), dir);
        var got = NpyFile.Read(result.Files[0]);
        CollectionAssert.AreEqual(new long[] { 51, 32 }, got.Shape);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(got.ToFloat32(), OrtFixtures.Npy("vit_images_block2.npy").ToFloat32()) < 1e-4);
        StringAssert.Contains(File.ReadAllLines(Path.Combine(dir, "rows.csv"))[18], ",1,0,image,img1.png");
    }

    [TestMethod]
    public void EmbeddingNextToTokensGetsItsOwnRowsFile()
    {
        var dir = OrtFixtures.TempDir();
        using var ex = new ActivationExtractor(Options(new TokenSelection(TokenMode.All), "block:0", "logits"));
        var result = ActivationFiles.Write(ex, VitInput(), dir);
        CollectionAssert.AreEqual(new long[] { 34, 2 }, result.Rows.ToArray());
        var rows = File.ReadAllLines(Path.Combine(dir, "logits.rows.csv"));
        CollectionAssert.AreEqual(new[] { "row,sample,token,modality,name", "0,0,-1,tensor,vit_input.npy#0", "1,1,-1,tensor,vit_input.npy#1" }, rows);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(NpyFile.Read(result.Files[1]).ToFloat32(), OrtFixtures.Npy("vit_logits.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void CorruptImageMidwayLeavesNoPartialFiles()
    {
        var src = OrtFixtures.TempDir();
        foreach (var f in ImageFile.ListFolder(OrtFixtures.Path("vit_images"))) File.Copy(f, Path.Combine(src, Path.GetFileName(f)));
        var bad = File.ReadAllBytes(Path.Combine(src, "img2.png"));
        File.WriteAllBytes(Path.Combine(src, "img2.png"), bad[..(bad.Length / 2)]);
        var dir = Path.Combine(OrtFixtures.TempDir(), "out");
        using var ex = new ActivationExtractor(Options(TokenSelection.Cls, "block:0"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new ImageInput(ImageFile.ListFolder(src), ImagePreprocessor.None(3)), dir));
        StringAssert.Contains(e.Message, "img2.png");
        Assert.IsTrue(!Directory.Exists(dir) || Directory.GetFiles(dir).Length == 0, "no .npy, temporary file or rows.csv left behind");
    }

    [TestMethod]
    public void NoImagesGiveAClearErrorAndNoOutputFolder()
    {
        var dir = Path.Combine(OrtFixtures.TempDir(), "out");
        using var ex = new ActivationExtractor(Options(TokenSelection.Cls, "block:0"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new ImageInput(Array.Empty<string>(), ImagePreprocessor.None(3)), dir));
        StringAssert.Contains(e.Message, "0 samples");
        Assert.IsFalse(Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(), "nothing written");
    }

    [TestMethod]
    public void TextEndTokenAndPaddingAreRespected()
    {
        // ids.onnx sums embeddings over tokens; its input dims are [batch,5]: a word tokenizer with context 5.
        var vocab = Path.Combine(OrtFixtures.TempDir(), "v.txt");
        File.WriteAllLines(vocab, ["<pad>", "<start>", "<end>", "a", "b", "c"]);
        var input = new MlNetConcepts.Transforms.Text.WordTokenizer(vocab, 5);
        var ti = new TextInput(["a b", "c"], input);
        Assert.AreEqual(3, ti.EndIndex(0));
        Assert.AreEqual(2, ti.EndIndex(1));
        Assert.AreEqual(TokenMode.End, TokenSelection.Parse("end").Mode);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => TokenSelection.Parse("random:0")).Message, "positive");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => TokenSelection.Parse("first")).Message, "cls, all, mean");

        // Extract through the text path: "a b" must reach the model as <start> a b <end> <pad> =
        // ids 1 3 4 2 0 and "c" as 1 5 2 0 0 (ids are the vocabulary's line numbers).
        var options = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("ids.onnx"), Tensors = ["pooled"], BatchSize = 1, Session = new OnnxSessionOptions { IntraOpThreads = 1 } };
        using var ex = new ActivationExtractor(options);
        var result = ActivationFiles.Write(ex, ti, OrtFixtures.TempDir());
        CollectionAssert.AreEqual(new long[] { 2 }, result.Rows.ToArray());
        var got = NpyFile.Read(result.Files[0]).ToFloat32();

        // Oracle: the embedding rows E_k, read off the same model through the raw tensor path.
        // ids.onnx returns Σ_t E[id_t]: f(k 0 0 0 0) = E_k + 4·E_0 and f(0 0 0 0 0) = 5·E_0.
        var probe = new long[6 * 5];
        for (int k = 0; k < 6; k++) probe[k * 5] = k;
        var f = NpyFile.Read(ActivationFiles.Write(ex, new TensorInput(NdArray.FromInt64s(probe, 6, 5), "probe"), OrtFixtures.TempDir()).Files[0]).ToFloat32();
        double E(int k, int c) => f[k * 4 + c] - 0.8 * f[c];
        // The probe itself agrees with torch on the fixture's first row, ids 1 2 3 4 5.
        var torch = OrtFixtures.Npy("ids_output.npy").ToFloat32();
        var torch5 = NpyFile.Read(ActivationFiles.Write(ex, new TensorInput(NdArray.FromInt64s([1, 2, 3, 4, 5], 1, 5), "row"), OrtFixtures.TempDir()).Files[0]).ToFloat32();
        for (int c = 0; c < 4; c++) Assert.AreEqual(torch[c], torch5[c], 1e-5);
        for (int c = 0; c < 4; c++)
        {
            Assert.AreEqual(E(1, c) + E(3, c) + E(4, c) + E(2, c) + E(0, c), got[c], 1e-4, $"'a b', dim {c}");
            Assert.AreEqual(E(1, c) + E(5, c) + E(2, c) + 2 * E(0, c), got[4 + c], 1e-4, $"'c', dim {c}");
        }
    }
}

[TestClass]
public sealed class ExtractionResumeTests
{
    [TestMethod]
    public void AFailedCheckpointedRunResumesAfterTheLastGoodBatch()
    {
        var src = OrtFixtures.TempDir();
        foreach (var f in ImageFile.ListFolder(OrtFixtures.Path("vit_images"))) File.Copy(f, Path.Combine(src, Path.GetFileName(f)));
        var good = File.ReadAllBytes(Path.Combine(src, "img2.png"));
        File.WriteAllBytes(Path.Combine(src, "img2.png"), good[..(good.Length / 2)]);
        var pre = ImagePreprocessor.None(3) with { Mean = [0.5f], Std = [0.5f] };
        var options = new ActivationExtractorOptions
        {
            ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["block:2", "logits"], Tokens = new TokenSelection(TokenMode.Random, 4),
            BatchSize = 1, Seed = 3, Session = new OnnxSessionOptions { IntraOpThreads = 1 },
        };
        var dir = OrtFixtures.TempDir();
        using var ex = new ActivationExtractor(options);
        Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new ImageInput(ImageFile.ListFolder(src), pre), dir, checkpoint: true));
        Assert.IsFalse(Directory.GetFiles(dir, "*.npy").Any(), "no finished-looking .npy after a failure");
        Assert.IsTrue(File.Exists(Path.Combine(dir, ".extract-checkpoint.json")));

        File.WriteAllBytes(Path.Combine(src, "img2.png"), good);
        var starts = new List<int>();
        var resumed = ActivationFiles.Write(ex, new ImageInput(ImageFile.ListFolder(src), pre), dir, (done, _) => starts.Add(done), checkpoint: true);
        CollectionAssert.AreEqual(new[] { 3 }, starts, "only the third sample was computed again");
        Assert.IsFalse(File.Exists(Path.Combine(dir, ".extract-checkpoint.json")));
        Assert.AreEqual(0, Directory.GetFiles(dir, ".*").Length, "partial files are gone");

        var fresh = ActivationFiles.Write(ex, new ImageInput(ImageFile.ListFolder(src), pre), OrtFixtures.TempDir());
        for (int t = 0; t < 2; t++)
            CollectionAssert.AreEqual(NpyFile.Read(fresh.Files[t]).ToFloat32(), NpyFile.Read(resumed.Files[t]).ToFloat32());
        CollectionAssert.AreEqual(File.ReadAllLines(Path.Combine(Path.GetDirectoryName(fresh.Files[0])!, "rows.csv")), File.ReadAllLines(Path.Combine(dir, "rows.csv")));
        // And the values are still torch's: the random tokens of block 2 index into the oracle.
        var want = OrtFixtures.Npy("vit_images_block2.npy").ToFloat32();
        var rows = File.ReadAllLines(Path.Combine(dir, "rows.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var got = NpyFile.Read(resumed.Files[0]).ToFloat32();
        Assert.AreEqual(12, rows.Length);
        for (int r = 0; r < rows.Length; r++)
        {
            int s = int.Parse(rows[r][1]), tok = int.Parse(rows[r][2]);
            for (int d = 0; d < 32; d++) Assert.AreEqual(want[(s * 17 + tok) * 32 + d], got[r * 32 + d], 1e-4);
        }
    }

    [TestMethod]
    public void ACheckpointOfAnotherRunIsRefused()
    {
        var dir = OrtFixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, ".extract-checkpoint.json"),
            """{"Model":"/x.onnx","Tensors":["a"],"Tokens":"cls","Seed":0,"Count":2,"Modality":"tensor","SamplesDone":1,"Widths":[1],"Rows":[1]}""");
        using var ex = new ActivationExtractor(new() { ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["logits"], Session = new OnnxSessionOptions { IntraOpThreads = 1 } });
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ActivationFiles.Write(ex, new TensorInput(OrtFixtures.Npy("vit_input.npy"), "x.npy"), dir, checkpoint: true));
        StringAssert.Contains(e.Message, "a checkpoint of a different extraction");
    }
}
