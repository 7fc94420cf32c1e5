using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Tests.Transforms;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
[DoNotParallelize] // redirects Console
public sealed class ExtractCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (Console.Out, Console.Error);
        var so = new StringWriter();
        var se = new StringWriter();
        Console.SetOut(so);
        Console.SetError(se);
        try { return (MlncApp.Run(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

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
    public void ModelLayersListsBlocksWithShapes()
    {
        var (code, output, err) = Run("model", "layers", OrtFixtures.Path("vit.onnx"), "--blocks", "--shapes");
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(output, "/encoder/layers/encoder_layer_1/Add_1_output_0\tAdd\tblock:1 (output)\tfloat[?,17,32]");
    }
}
