using System.Text.Json;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>
/// The project's demo model (tools/demo-model, trained by train.py): every block and the joint
/// embeddings equal torch's outputs, the word tokenizer reproduces Python's ids, and zero-shot
/// classification of the Fashion-MNIST test set through the C# pipeline reaches ≥ 80%.
/// </summary>
[TestClass]
public sealed class DemoModelTests
{
    private static readonly OnnxSessionOptions Session = new() { IntraOpThreads = 1 };

    internal static string ModelDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tools", "demo-model", "model");
            if (File.Exists(Path.Combine(p, "image.onnx"))) return p;
        }
        Assert.Fail("tools/demo-model/model/image.onnx not found above the test folder");
        return "";
    }

    internal static string Dataset(string name)
    {
        var p = Path.Combine("/usr/share/datasets/fashion-mnist", name);
        if (!File.Exists(p)) Assert.Inconclusive($"{p} missing: install Debian's dataset-fashion-mnist (./run.sh setup).");
        return p;
    }

    internal static JsonElement Config() => JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelDir(), "config.json"))).RootElement;

    internal static ImagePreprocessor Pre(JsonElement c) => ImagePreprocessor.None(1) with
    {
        Mean = [(float)c.GetProperty("pixel_mean").GetDouble()],
        Std = [(float)c.GetProperty("pixel_std").GetDouble()],
    };

    internal static string[] Prompts(JsonElement c) => c.GetProperty("classes").EnumerateArray()
        .Select(x => c.GetProperty("prompt").GetString()!.Replace("{}", x.GetString())).ToArray();

    internal static WordTokenizer Tokenizer(JsonElement c) => new(Path.Combine(ModelDir(), "vocab.txt"), c.GetProperty("context_length").GetInt32());

    [TestMethod]
    public void ImageBlocksAndEmbeddingsEqualTorch()
    {
        var c = Config();
        int blocks = c.GetProperty("image_blocks").GetInt32();
        var names = Enumerable.Range(0, blocks).Select(i => $"block{i}").Append("image_embeds").ToArray();
        var images = new ImageInput(IdxImages.ReadImages(Dataset("t10k-images-idx3-ubyte.gz"), 4), Pre(c), "t10k");
        var rows = names.Select(_ => new List<float>()).ToArray();
        using var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(ModelDir(), "image.onnx"), Tensors = names, Tokens = new(TokenMode.All), Session = Session });
        ex.Run(images, b => { for (int t = 0; t < b.Count; t++) rows[t].AddRange(b[t].Values); });
        for (int t = 0; t < names.Length; t++)
        {
            var want = NpyFile.Read(Path.Combine(ModelDir(), $"expected_image_{names[t]}.npy")).ToFloat32();
            double d = OrtFixtures.MaxAbsDiff(rows[t].ToArray(), want);
            Assert.IsTrue(d < 1e-4, $"{names[t]}: max abs diff {d}");
        }
    }

    [TestMethod]
    public void TokenizerAndTextTowerEqualTorch()
    {
        var c = Config();
        var tok = Tokenizer(c);
        var prompts = Prompts(c)[..4];
        var ids = NpyFile.Read(Path.Combine(ModelDir(), "expected_text_input_ids.npy")).ToInt64();
        CollectionAssert.AreEqual(ids, tok.EncodeBatch(prompts));
        int ctx = tok.ContextLength, blocks = c.GetProperty("text_blocks").GetInt32(), width = c.GetProperty("width").GetInt32();
        var names = Enumerable.Range(0, blocks).Select(i => $"block{i}").Append("text_embeds").ToArray();
        var got = new List<ActivationBlock>[names.Length];
        for (int t = 0; t < names.Length; t++) got[t] = [];
        using var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(ModelDir(), "text.onnx"), Tensors = names, Tokens = new(TokenMode.All), Session = Session });
        ex.Run(new TextInput(prompts, tok), b => { for (int t = 0; t < b.Count; t++) got[t].Add(b[t]); });
        for (int t = 0; t < blocks; t++)
        {
            var want = NpyFile.Read(Path.Combine(ModelDir(), $"expected_text_{names[t]}.npy")).ToFloat32(); // [4, ctx, width]
            foreach (var b in got[t])
                for (int r = 0; r < b.SampleIds.Length; r++)
                {
                    long s = b.SampleIds[r];
                    int tokIndex = b.TokenIndices[r];
                    Assert.IsTrue(tokIndex <= tok.EndIndex(ids.AsSpan((int)s * ctx, ctx)), "padding after the end token is not extracted");
                    for (int d = 0; d < width; d++)
                        Assert.AreEqual(want[(s * ctx + tokIndex) * width + d], b.Values[r * width + d], 1e-4);
                }
        }
        var emb = got[blocks].SelectMany(b => b.Values).ToArray();
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(emb, NpyFile.Read(Path.Combine(ModelDir(), "expected_text_text_embeds.npy")).ToFloat32()) < 1e-4);
    }

    [TestMethod]
    public void ZeroShotAccuracyOnTheTestSetIsAtLeast80Percent()
    {
        var c = Config();
        var prompts = Prompts(c);
        var text = new List<float>();
        using (var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(ModelDir(), "text.onnx"), Tensors = ["text_embeds"], Session = Session }))
            ex.Run(new TextInput(prompts, Tokenizer(c)), b => text.AddRange(b[0].Values));
        var (labels, _) = IdxImages.ReadArray(Dataset("t10k-labels-idx1-ubyte.gz"));
        var images = new ImageInput(IdxImages.ReadImages(Dataset("t10k-images-idx3-ubyte.gz")), Pre(c), "t10k");
        int correct = 0, n = 0, dim = text.Count / prompts.Length;
        using (var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(ModelDir(), "image.onnx"), Tensors = ["image_embeds"], BatchSize = 500, Session = Session }))
            ex.Run(images, b =>
            {
                var v = b[0].Values;
                for (int r = 0; r < b[0].SampleIds.Length; r++, n++)
                {
                    int best = 0;
                    double bestScore = double.NegativeInfinity;
                    for (int k = 0; k < prompts.Length; k++)
                    {
                        double s = 0;
                        for (int d = 0; d < dim; d++) s += v[r * dim + d] * text[k * dim + d];
                        if (s > bestScore) (bestScore, best) = (s, k);
                    }
                    if (best == (int)labels[b[0].SampleIds[r]]) correct++;
                }
            });
        Assert.AreEqual(10000, n);
        double acc = correct / (double)n;
        Console.WriteLine($"zero-shot accuracy (C#): {acc:F4}");
        Assert.IsTrue(acc >= 0.80, $"zero-shot accuracy {acc:F4}");
        Assert.AreEqual(c.GetProperty("torch_zero_shot_accuracy").GetDouble(), acc, 0.002, "C# and torch classify the same test images");
    }

    [TestMethod]
    public void AuxiliaryEncoderEqualsTorch()
    {
        var images = new ImageInput(IdxImages.ReadImages(Dataset("t10k-images-idx3-ubyte.gz"), 4), ImagePreprocessor.None(1), "t10k");
        var got = new List<float>();
        using var ex = new ActivationExtractor(new() { ModelPath = Path.Combine(ModelDir(), "aux.onnx"), Tensors = ["embedding"], Session = Session });
        ex.Run(images, b => got.AddRange(b[0].Values));
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(got.ToArray(), NpyFile.Read(Path.Combine(ModelDir(), "expected_aux_embedding.npy")).ToFloat32()) < 1e-4);
    }
}
