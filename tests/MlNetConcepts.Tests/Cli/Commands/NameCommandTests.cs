using System.Globalization;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Naming;
using MlNetConcepts.Transforms.Text;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

/// <summary>
/// <c>mlnc name</c> end to end with the demo model's real text tower. Rows are captions embedded by
/// that tower; concept 0 fires on the "image" rows whose caption says boot, concept 1 on the text
/// rows that say bag, concept 2 on the rows of both modalities that say coat, concept 3 never.
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class NameCommandTests
{
    private static readonly string[] Classes = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"];
    private static readonly string[] Attributes = ["dark", "light", "small", "large", "plain", "patterned"];

    private static string ModelDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tools", "demo-model", "model");
            if (File.Exists(Path.Combine(p, "text.onnx"))) return p;
        }
        Assert.Fail("tools/demo-model/model/text.onnx not found above the test folder");
        return "";
    }

    [TestMethod]
    public void NamesAndTypesPlantedConceptsThroughTheDemoTextTower()
    {
        var model = ModelDir();
        var dir = Path.Combine(Path.GetTempPath(), "mlnc-name-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var rng = new Random(3);
        const int half = 80;
        var captions = Enumerable.Range(0, 2 * half).Select(_ =>
            $"a photo of a {Attributes[rng.Next(6)]} {Classes[rng.Next(10)]}").ToArray();
        var tower = new TextTower(Path.Combine(model, "text.onnx"), new WordTokenizer(Path.Combine(model, "vocab.txt"), 12));
        var emb = tower.Embed(captions, out int width);
        var codes = new float[2 * half * 4];
        for (int r = 0; r < 2 * half; r++)
        {
            bool image = r < half;
            if (image && captions[r].EndsWith(" boot")) codes[r * 4 + 0] = 1 + r % 3;
            if (!image && captions[r].EndsWith(" bag")) codes[r * 4 + 1] = 1 + r % 3;
            if (captions[r].EndsWith(" coat")) codes[r * 4 + 2] = 1 + r % 3;
        }
        NpyFile.WriteMatrix(Path.Combine(dir, "emb.npy"), emb, 2 * half, width);
        NpyFile.WriteMatrix(Path.Combine(dir, "codes.npy"), codes, 2 * half, 4);
        NpyFile.WriteVector(Path.Combine(dir, "modality.npy"), Enumerable.Range(0, 2 * half).Select(r => r < half ? 0 : 1).ToArray());
        File.WriteAllLines(Path.Combine(dir, "labels.txt"), [.. Classes, .. Attributes]);
        var outDir = Path.Combine(dir, "out");

        var (code, output, err) = Run("name", "--embeddings", Path.Combine(dir, "emb.npy"), "--codes", Path.Combine(dir, "codes.npy"),
            "--modality", Path.Combine(dir, "modality.npy"), "--text-model", Path.Combine(model, "text.onnx"), "--vocab", Path.Combine(model, "vocab.txt"),
            "--context", "12", "--labels", Path.Combine(dir, "labels.txt"), "--prompt", "a photo of a {}", "--top-n", "8", "--out", outDir);
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(output, "4 concepts");
        var lines = File.ReadAllLines(Path.Combine(outDir, "naming.csv"));
        var header = lines[0].Split(',');
        int label = Array.IndexOf(header, "label"), type = Array.IndexOf(header, "type"), vthr = Array.IndexOf(header, "visual_threshold");
        Assert.IsTrue(label >= 0 && type >= 0 && vthr >= 0, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.AreEqual(4, rows.Length);
        Assert.AreEqual("boot", rows[0][label]);
        Assert.AreEqual("visual", rows[0][type]);
        Assert.AreEqual("bag", rows[1][label]);
        Assert.AreEqual("textual", rows[1][type]);
        Assert.AreEqual("coat", rows[2][label]);
        Assert.AreEqual("multimodal", rows[2][type]);
        Assert.AreEqual("none", rows[3][type]);
        Assert.IsTrue(double.Parse(rows[0][vthr], CultureInfo.InvariantCulture) is > -1 and < 1, "the null threshold is a cosine");
        foreach (var f in new[] { "naming_types.csv", "naming_modality.csv" }) Assert.IsTrue(File.Exists(Path.Combine(outDir, f)), f);
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void MisalignedRowsExitWithTwoNamingTheFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlnc-name-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        NpyFile.WriteMatrix(Path.Combine(dir, "emb.npy"), new float[10 * 4], 10, 4);
        NpyFile.WriteMatrix(Path.Combine(dir, "codes.npy"), new float[9 * 2], 9, 2);
        NpyFile.WriteVector(Path.Combine(dir, "modality.npy"), Enumerable.Range(0, 10).Select(r => r % 2).ToArray());
        File.WriteAllLines(Path.Combine(dir, "labels.txt"), ["boot"]);
        var model = ModelDir();
        var (code, _, err) = Run("name", "--embeddings", Path.Combine(dir, "emb.npy"), "--codes", Path.Combine(dir, "codes.npy"),
            "--modality", Path.Combine(dir, "modality.npy"), "--text-model", Path.Combine(model, "text.onnx"), "--vocab", Path.Combine(model, "vocab.txt"),
            "--context", "12", "--labels", Path.Combine(dir, "labels.txt"), "--out", Path.Combine(dir, "out"));
        Assert.AreEqual(2, code, err);
        StringAssert.Contains(err, "codes.npy");
        Assert.IsFalse(Directory.Exists(Path.Combine(dir, "out")), "nothing is left behind");
        Directory.Delete(dir, true);
    }
}
