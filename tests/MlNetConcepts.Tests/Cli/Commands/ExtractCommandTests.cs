using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Tests.Transforms;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
[DoNotParallelize] // redirects Console
public sealed class ExtractCommandTests
{
    [TestMethod]
    public void ExtractWritesOneNpyPerTensorAndRows()
    {
        var dir = OrtFixtures.TempDir();
        var (code, _, err) = Run("extract", "--model", OrtFixtures.Path("vit.onnx"), "--input", "pixel_values=" + OrtFixtures.Path("vit_input.npy"),
            "--tensor", "block:1", "--tensor", "/encoder/layers/encoder_layer_2/Add_1_output_0", "--tokens", "all", "--batch", "1", "--threads", "1", "--out", dir);
        Assert.AreEqual(0, code, err);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(NpyFile.Read(Path.Combine(dir, "block_1.npy")).ToFloat32(), OrtFixtures.Npy("vit_block1.npy").ToFloat32()) < 1e-4);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(NpyFile.Read(Path.Combine(dir, "encoder_layers_encoder_layer_2_Add_1_output_0.npy")).ToFloat32(), OrtFixtures.Npy("vit_block2.npy").ToFloat32()) < 1e-4);
        Assert.AreEqual(35, File.ReadAllLines(Path.Combine(dir, "rows.csv")).Length);
    }

    [TestMethod]
    public void ImagesFolderWithPresetNone()
    {
        var dir = OrtFixtures.TempDir();
        var (code, _, err) = Run("extract", "--model", OrtFixtures.Path("vit.onnx"), "--images", OrtFixtures.Path("vit_images"), "--tensor", "block:2",
            "--tokens", "all", "--mean", "0.5", "--std", "0.5", "--threads", "1", "--out", dir);
        Assert.AreEqual(0, code, err);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(NpyFile.Read(Path.Combine(dir, "block_2.npy")).ToFloat32(), OrtFixtures.Npy("vit_images_block2.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    [DataRow("missing", "model file not found")]
    [DataRow("tensor", "tensor 'no_such_tensor' is not in the graph")]
    [DataRow("size", "wrong input size")]
    public void BadInputIsOneLineAndLeavesNothing(string kind, string message)
    {
        var dir = Path.Combine(OrtFixtures.TempDir(), "out");
        string model = kind == "missing" ? "/no/such/model.onnx" : OrtFixtures.Path("vit.onnx");
        string tensor = kind == "tensor" ? "no_such_tensor" : "block:0";
        string input = kind == "size" ? OrtFixtures.Path("half_input.npy") : OrtFixtures.Path("vit_input.npy");
        var (code, _, err) = Run("extract", "--model", model, "--input", "pixel_values=" + input, "--tensor", tensor, "--threads", "1", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, message);
        Assert.AreEqual(1, err.Trim().Split('\n').Length, err);
        Assert.IsFalse(Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any());
    }

    [TestMethod]
    public void SkipBadReportsCorruptImagesAndExtractsTheRest()
    {
        var src = OrtFixtures.TempDir();
        foreach (var f in Directory.GetFiles(OrtFixtures.Path("vit_images"))) File.Copy(f, Path.Combine(src, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(src, "img1.png"), File.ReadAllBytes(Path.Combine(src, "img1.png"))[..100]);
        var dir = OrtFixtures.TempDir();
        var (failCode, _, failErr) = Run("extract", "--model", OrtFixtures.Path("vit.onnx"), "--images", src, "--tensor", "block:2", "--threads", "1", "--out", dir);
        Assert.AreEqual(2, failCode);
        StringAssert.Contains(failErr, "img1.png");
        var (code, _, err) = Run("extract", "--model", OrtFixtures.Path("vit.onnx"), "--images", src, "--tensor", "block:2", "--mean", "0.5", "--std", "0.5",
            "--skip-bad", "--threads", "1", "--out", dir);
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(err, "skipped");
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir, "skipped.txt")), "img1.png");
        var got = NpyFile.Read(Path.Combine(dir, "block_2.npy")).ToFloat32();
        var want = OrtFixtures.Npy("vit_images_block2.npy").ToFloat32(); // [3,17,32]; images 0 and 2 survive, CLS rows
        Assert.AreEqual(64, got.Length);
        for (int d = 0; d < 32; d++)
        {
            Assert.AreEqual(want[d], got[d], 1e-4);
            Assert.AreEqual(want[2 * 17 * 32 + d], got[32 + d], 1e-4);
        }
        StringAssert.EndsWith(File.ReadAllLines(Path.Combine(dir, "rows.csv"))[2], "img2.png");
    }

    [TestMethod]
    public void ModelLayersListsBlocksWithShapes()
    {
        var (code, output, err) = Run("model", "layers", OrtFixtures.Path("vit.onnx"), "--blocks", "--shapes");
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(output, "/encoder/layers/encoder_layer_1/Add_1_output_0\tAdd\tblock:1 (output)\tfloat[?,17,32]");
    }
}

[TestClass]
[DoNotParallelize]
public sealed class ExtractCommandDemoModelTests
{
    private static string Demo(string name)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tools", "demo-model", "model", name);
            if (File.Exists(p)) return p;
        }
        Assert.Fail($"{name} not found");
        return "";
    }

    private static (int, string) Run(params string[] args)
    {
        var e = Console.Error;
        var se = new StringWriter();
        Console.SetError(se);
        try { return (MlncApp.Run(args), se.ToString()); }
        finally { Console.SetError(e); }
    }

    [TestMethod]
    public void TextsThroughTheWordTokenizerGiveTorchsEmbeddings()
    {
        var dir = OrtFixtures.TempDir();
        var texts = Path.Combine(dir, "prompts.txt");
        File.WriteAllLines(texts, ["a photo of a t-shirt", "a photo of a trouser", "a photo of a pullover", "a photo of a dress"]);
        var (code, err) = Run("extract", "--model", Demo("text.onnx"), "--texts", texts, "--vocab", Demo("vocab.txt"), "--context", "12",
            "--tensor", "text_embeds", "--tensor", "block1", "--tokens", "end", "--threads", "1", "--out", Path.Combine(dir, "out"));
        Assert.AreEqual(0, code, err);
        var emb = NpyFile.Read(Path.Combine(dir, "out", "text_embeds.npy")).ToFloat32();
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(emb, NpyFile.Read(Demo("expected_text_text_embeds.npy")).ToFloat32()) < 1e-4);
        // block1 at the end token: "a photo of a X" = <start> a photo of a X <end> -> end index 6.
        var b1 = NpyFile.Read(Path.Combine(dir, "out", "block1.npy")).ToFloat32();
        var want = NpyFile.Read(Demo("expected_text_block1.npy")).ToFloat32(); // [4,12,64]
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 64; d++) Assert.AreEqual(want[(s * 12 + 6) * 64 + d], b1[s * 64 + d], 1e-4);
        Assert.AreEqual("1,1,-1,text,a photo of a trouser", File.ReadAllLines(Path.Combine(dir, "out", "rows.csv"))[2]);
        Assert.AreEqual("1,1,6,text,a photo of a trouser", File.ReadAllLines(Path.Combine(dir, "out", "block1.rows.csv"))[2]);
    }

    [TestMethod]
    public void IdxImagesWithMeanStdGiveTorchsBlocks()
    {
        var dir = OrtFixtures.TempDir();
        var (code, err) = Run("extract", "--model", Demo("image.onnx"), "--idx", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", "--limit", "4",
            "--tensor", "block:3", "--tokens", "all", "--mean", "0.2860", "--std", "0.3530", "--threads", "1", "--out", dir);
        Assert.AreEqual(0, code, err);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(NpyFile.Read(Path.Combine(dir, "block_3.npy")).ToFloat32(), NpyFile.Read(Demo("expected_image_block3.npy")).ToFloat32()) < 1e-4);
    }
}
