using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Quickstart;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

/// <summary>
/// The verbs that run whole pipelines, end to end through <c>mlnc</c>: <c>synth multimodal</c>,
/// <c>study</c> on its output, and <c>demo</c> on a few Fashion-MNIST images.
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class StudyCommandTests
{
    private static string[] Column(string csvPath, string name)
    {
        var lines = File.ReadAllLines(csvPath);
        int c = Array.IndexOf(lines[0].Split(','), name);
        Assert.IsTrue(c >= 0, $"{csvPath} has no column {name}");
        return lines.Skip(1).Select(l => l.Split(',')[c]).ToArray();
    }

    [TestMethod]
    public void SynthMultimodalWritesWhatItsOptionsSayAndStudyRunsOnIt()
    {
        var root = Directory.CreateTempSubdirectory("mlnc-cli-study-").FullName;
        try
        {
            string data = Path.Combine(root, "data"), output = Path.Combine(root, "out");
            var (code, _, err) = Run("synth", "multimodal", "--out", data, "--pairs", "150", "--dims", "16", "--image-concepts", "4",
                "--text-concepts", "5", "--shared-concepts", "3", "--bridges", "2", "--seed", "3");
            Assert.AreEqual(0, code, err);
            var truth = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(data, "ground_truth.json")))!;
            var kinds = truth["kinds"]!.AsArray().Select(k => k!.GetValue<string>()).ToArray();
            Assert.AreEqual((4, 5, 3), (kinds.Count(k => k == "image"), kinds.Count(k => k == "text"), kinds.Count(k => k == "shared")));
            var bridges = truth["bridges"]!.AsArray();
            Assert.AreEqual(2, bridges.Count);
            foreach (var b in bridges) Assert.AreEqual(("image", "text"), (kinds[b![0]!.GetValue<int>()], kinds[b[1]!.GetValue<int>()]));
            foreach (var layer in truth["layers"]!.AsArray())
                CollectionAssert.AreEqual(new long[] { 300, 16 }, NpyFile.Read(Path.Combine(data, layer!["file"]!.GetValue<string>())).Shape);
            CollectionAssert.AreEqual(new long[] { 12, 16 }, NpyFile.Read(Path.Combine(data, "planted.npy")).Shape);
            // Two rows per pair, one image (0) and one text (1).
            var modality = NpyFile.Read(Path.Combine(data, "modality.npy")).ToInt64();
            var pairs = NpyFile.Read(Path.Combine(data, "pairs.npy")).ToInt64();
            Assert.AreEqual(150, modality.Count(m => m == 0));
            Assert.AreEqual(150, modality.Count(m => m == 1));
            foreach (var g in Enumerable.Range(0, 300).GroupBy(r => pairs[r]))
                CollectionAssert.AreEquivalent(new long[] { 0, 1 }, g.Select(r => modality[r]).ToArray(), $"pair {g.Key}");

            string[] study = ["study", "--layer", $"l0={Path.Combine(data, "layer0.npy")}", "--embeddings", Path.Combine(data, "embeddings.npy"),
                "--modality", Path.Combine(data, "modality.npy"), "--pairs", Path.Combine(data, "pairs.npy"),
                "--sae", "topk:2:4:120", "--clusters", "kmeans:6", "--seeds", "2", "--out", output];
            (code, _, err) = Run(study);
            Assert.AreEqual(0, code, err);
            Assert.IsTrue(File.Exists(Path.Combine(output, "report.html")));
            CollectionAssert.AreEqual(new[] { "l0" }, Column(Path.Combine(output, "summary.csv"), "layer"));
            var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
            var row = summary.GetProperty("rows")[0];
            Assert.AreEqual(JsonValueKind.Number, row.GetProperty("sae_l0").ValueKind);
            Assert.IsTrue(row.GetProperty("sae_l0").GetDouble() <= 4 + 1e-9, "a TopK SAE with k = 4 fires at most 4 latents");
            // Again from the cache: same summary.
            string before = File.ReadAllText(Path.Combine(output, "summary.csv"));
            Assert.AreEqual(0, Run(study).Code);
            Assert.AreEqual(before, File.ReadAllText(Path.Combine(output, "summary.csv")));

            // Bad input: one line, exit code 2, naming the flag.
            (code, _, err) = Run([.. study[..^6], "--sae", "topk:two", "--out", output]);
            Assert.AreEqual(CliAction.BadInput, code);
            Assert.AreEqual("error: --sae 'topk:two': expected ARCH:EXPANSION:K[:STEPS], e.g. batchtopk:4:8.", err.TrimEnd());
            (code, _, err) = Run("study", "--layer", "no-equals-sign", "--out", output);
            Assert.AreEqual(CliAction.BadInput, code);
            StringAssert.StartsWith(err, "error: --layer 'no-equals-sign'");
            (code, _, err) = Run("synth", "multimodal", "--out", Path.Combine(root, "bad"), "--dims", "0");
            Assert.AreEqual(CliAction.BadInput, code, err);
            Assert.AreEqual(1, err.TrimEnd().Split('\n').Length, err);
        }
        finally { Directory.Delete(root, true); }
    }

    private static System.Text.Json.JsonElement ExplorerData(string html)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, "<script type=\"application/json\" id=\"explorer-data\">(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.IsTrue(m.Success, "the explorer's data block is there");
        return System.Text.Json.JsonDocument.Parse(m.Groups[1].Value).RootElement.Clone();
    }

    [TestMethod]
    public void DemoOnFortyImagesWritesTheReportForEveryLayer()
    {
        try { FashionQuickstart.FindDataset(); FashionQuickstart.FindModelDirectory(); }
        catch (ConceptDataException e) { Assert.Inconclusive(e.Message); }
        var output = Directory.CreateTempSubdirectory("mlnc-cli-demo-").FullName;
        try
        {
            var (code, _, err) = Run("demo", "--images", "40", "--out", output);
            if (code != 0 && err.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)) Assert.Inconclusive(err);
            Assert.AreEqual(0, code, err);
            // Four image blocks, the image embeddings and the joint image+caption space, each with two clusterers.
            var layers = Column(Path.Combine(output, "summary.csv"), "layer");
            CollectionAssert.AreEquivalent(new[] { "block0", "block1", "block2", "block3", "image_embeds", "joint" }, layers.Distinct().ToArray());
            Assert.AreEqual(12, layers.Length);
            Assert.AreEqual(40, NpyFile.Read(Path.Combine(output, "data", "labels.npy")).Shape[0]);
            CollectionAssert.AreEqual(new long[] { 80, NpyFile.Read(Path.Combine(output, "data", "image", "image_embeds.npy")).Shape[1] },
                NpyFile.Read(Path.Combine(output, "data", "joint.npy")).Shape, "image rows then caption rows");
            // The concept-bottleneck stage on the last block: raw, all codes, then m = 1, 2, 4, … (26 train / 14 test images of 40).
            var kinds = Column(Path.Combine(output, "bottleneck.csv"), "features");
            CollectionAssert.AreEqual(new[] { "raw", "all_codes", "top_m" }, kinds.Distinct().ToArray());
            var m = Column(Path.Combine(output, "bottleneck.csv"), "m").Select(int.Parse).ToArray();
            CollectionAssert.AreEqual(new[] { 1, 2, 4, 8, 16, 32, 64 }, m[2..], "the top-m sizes");
            foreach (var a in Column(Path.Combine(output, "bottleneck.csv"), "accuracy").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))
                Assert.IsTrue(a is >= 0 and <= 1, $"accuracy {a}");
            var html = File.ReadAllText(Path.Combine(output, "report.html"));
            StringAssert.Contains(html, "joint");
            StringAssert.Contains(html, "Concept bottleneck on block3 (14 test rows)");
            Assert.IsFalse(html.Contains("src=\"http", StringComparison.Ordinal), "the report is self-contained");
            // The explorer: linked from the report, with collages of real images behind the concepts.
            StringAssert.Contains(html, "href=\"explorer.html\"");
            var explorer = File.ReadAllText(Path.Combine(output, "explorer.html"));
            StringAssert.Contains(explorer, "\"layer\":\"block0\"");
            Assert.IsNotEmpty(Directory.GetFiles(Path.Combine(output, "block0"), "feature_*_collage.png", SearchOption.AllDirectories));
            StringAssert.Contains(explorer, "_collage.png\",\"src\":\"data:image/png;base64,");
            // The naming and heat-map sections (docs/NAMING.md, docs/HEATMAPS.md).
            StringAssert.Contains(html, "Concept names and types: joint");
            StringAssert.Contains(html, "Heat maps of concepts");
            var naming = File.ReadAllLines(Path.Combine(output, "naming", "joint", "naming.csv"));
            StringAssert.StartsWith(naming[0], "concept,label,score,margin,visual_alignment,visual_threshold,textual_alignment,textual_threshold");
            Assert.IsTrue(File.Exists(Path.Combine(output, "naming", "joint", "naming_accuracy.csv")));
            var heat = Column(Path.Combine(output, "heatmaps", "heatmaps.csv"), "file");
            Assert.IsTrue(heat.Length > 0);
            foreach (var png in heat) Assert.IsTrue(File.Exists(Path.Combine(output, png)), png);
            // The explorer shows what those sections wrote: the joint map carries the naming table's labels
            // and types, and each layer with heat maps carries exactly the index's PNGs on the index's features.
            var data = ExplorerData(explorer);
            var maps = data.GetProperty("maps").EnumerateArray().ToList();
            var joint = maps.Single(mp => mp.GetProperty("layer").GetString() == "joint");
            var labels = joint.GetProperty("concepts").GetProperty("label").EnumerateArray().Select(v => v.GetString()).ToArray();
            var types = joint.GetProperty("concepts").GetProperty("type").EnumerateArray().Select(v => v.GetString()).ToArray();
            var namingPath = Path.Combine(output, "naming", "joint", "naming.csv");
            var fileLabels = Column(namingPath, "label");
            var fileTypes = Column(namingPath, "type");
            var concepts = Column(namingPath, "concept").Select(int.Parse).ToArray();
            Assert.IsTrue(fileLabels.Any(l => l.Length > 0), "the naming section named at least one concept");
            for (int i = 0; i < concepts.Length; i++)
            {
                Assert.AreEqual(fileLabels[i], labels[concepts[i]], $"label of joint concept {concepts[i]}");
                Assert.AreEqual(fileTypes[i], types[concepts[i]], $"type of joint concept {concepts[i]}");
            }
            var heatLayers = Column(Path.Combine(output, "heatmaps", "heatmaps.csv"), "layer");
            var heatFeatures = Column(Path.Combine(output, "heatmaps", "heatmaps.csv"), "feature");
            foreach (var layer in heatLayers.Distinct())
            {
                var map = maps.Single(mp => mp.GetProperty("layer").GetString() == layer);
                var expected = Enumerable.Range(0, heat.Length).Where(i => heatLayers[i] == layer).Select(i => (heatFeatures[i], heat[i])).OrderBy(p => p.Item2, StringComparer.Ordinal).ToList();
                var shown = map.GetProperty("pictures").EnumerateObject()
                    .SelectMany(p => p.Value.GetProperty("heatmaps").EnumerateArray().Select(h => (p.Name, h.GetProperty("file").GetString()!, h.GetProperty("src").GetString()!)))
                    .Where(h => h.Item2.StartsWith("heatmaps/", StringComparison.Ordinal)).ToList();
                CollectionAssert.AreEqual(expected, shown.Select(h => (h.Name, h.Item2)).OrderBy(p => p.Item2, StringComparer.Ordinal).ToList(), $"heat maps of {layer}");
                foreach (var h in shown)
                    Assert.AreEqual("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(output, h.Item2))), h.Item3, h.Item2);
            }
        }
        finally { Directory.Delete(output, true); }
    }
}
