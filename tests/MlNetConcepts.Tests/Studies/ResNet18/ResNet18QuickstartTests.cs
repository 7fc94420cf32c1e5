using MlNetConcepts.IO;
using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.ResNet18;

/// <summary>
/// The ResNet18 quickstart end to end on 24 images with small SAEs and clusterers (the default
/// run is 2,000 images; this keeps CI to seconds): activations of every layer on disk, the probe
/// table, the per-layer summary and the report with its notes.
/// </summary>
[TestClass]
public sealed class ResNet18QuickstartTests
{
    [TestMethod]
    public void TwentyFourImagesGiveEveryLayerTheProbeAndTheReport()
    {
        ResNet18Fixtures.Models();
        ResNet18Fixtures.Dataset();
        var output = Directory.CreateTempSubdirectory("mlnc-resnet18-").FullName;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var quickstart = new ResNet18Quickstart(line => Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {line}"))
            {
                Limit = 24,
                Saes = [new SaeSpec("topk", 2, 4) { Steps = 30, Batch = 24 }],
                Clusters = [new ClusterSpec("kmeans", 4), new ClusterSpec("spherical", 4)],
            };
            var result = quickstart.Run(output);

            var names = ResNet18Quickstart.Layers.Select(l => l.Name).ToArray();
            CollectionAssert.AreEqual(new[] { "stage1", "stage2", "stage3", "pooled" }, names);
            CollectionAssert.AreEqual(names, result.Layers.Select(l => l.Layer).ToArray());
            CollectionAssert.AreEqual(new[] { 64, 128, 256, 512 }, result.Layers.Select(l => l.Width).ToArray());
            Assert.AreEqual(24L, result.Rows);
            var data = Path.Combine(output, "data", "24-images");
            foreach (var layer in ResNet18Quickstart.Layers)
                CollectionAssert.AreEqual(new long[] { 24, layer.Channels }, NpyFile.Read(ResNet18Quickstart.LayerPath(data, layer)).Shape, layer.Name);
            var labels = NpyFile.Read(Path.Combine(data, "labels.npy")).ToInt32();
            CollectionAssert.AreEqual(IdxFile.Read(Path.Combine(ResNet18Fixtures.Dataset(), "t10k-labels-idx1-ubyte.gz")).ToInt32()[..24], labels);

            // The pooled output is MonoSemanticity's E, the Fashion-MNIST classes are the labels.
            Assert.AreEqual(ResNet18Quickstart.LayerPath(data, ResNet18Model.Pooled), result.Config.Embeddings);
            Assert.IsTrue(result.Layers.All(l => l.Saes[0].Ms is { Length: > 0 }), "MonoSemanticity of the SAE features on every layer");
            Assert.IsTrue(result.Layers.All(l => l.Saes[0].Stability.Length > 0), "stability across the two seeds");
            Assert.IsTrue(result.Layers.All(l => l.Saes[0].Modality is null), "no text rows, no modality");

            var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
            Assert.AreEqual(1 + 4 * 2, summary.Length, "a row per layer and clusterer");
            var probe = File.ReadAllLines(Path.Combine(output, "probe.csv"));
            Assert.AreEqual(1 + 5, probe.Length, "pixels and the four layers");
            StringAssert.StartsWith(probe[1], "pixels,784,18,6,");

            var html = File.ReadAllText(Path.Combine(output, "report.html"));
            StringAssert.Contains(html, "No modality or bridge scores: the ResNet18 has no text tower");
            StringAssert.Contains(html, "ResNetPreprocess.onnx");
            StringAssert.Contains(html, "Linear probe");
            foreach (var name in names) StringAssert.Contains(html, $"Layer {name}");

            // Heat maps over stage 3's 14×14 positions (issue 15, item 1a), in the report and the explorer.
            StringAssert.Contains(html, "Heat maps of concepts");
            StringAssert.Contains(html, "trained on the stage mean-pooled over its positions");
            var index = File.ReadAllLines(Path.Combine(output, "heatmaps", "heatmaps.csv"));
            StringAssert.StartsWith(index[0], "layer,method,feature,row,file,grid_rows,grid_cols");
            Assert.IsGreaterThan(1, index.Length, "at least one heat map");
            foreach (var line in index.Skip(1))
            {
                var f = line.Split(',');
                Assert.AreEqual("stage3", f[0], line);
                Assert.AreEqual("tokens", f[1], line);
                Assert.AreEqual("14", f[5], line);
                Assert.AreEqual("14", f[6], line);
                Assert.IsTrue(int.Parse(f[3]) < 24, line);
                var png = File.ReadAllBytes(Path.Combine(output, f[4]));
                // PNG IHDR: width and height, big-endian at bytes 16 and 20; 28×28 images at scale 4.
                Assert.AreEqual(112, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19], line);
                Assert.AreEqual(112, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23], line);
            }
            StringAssert.Contains(File.ReadAllText(Path.Combine(output, "explorer.html")), "\"file\":\"heatmaps/stage3/feature");
        }
        finally { Directory.Delete(output, true); }
    }

    [TestMethod]
    public void AnImageCountOutsideTheTestSetIsNamed()
    {
        ResNet18Fixtures.Models();
        ResNet18Fixtures.Dataset();
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new ResNet18Quickstart { Limit = 10_001 }.Run(Path.Combine(Path.GetTempPath(), "mlnc-never-written")));
        StringAssert.Contains(e.Message, "10001 is not between 1 and the 10000 test images");
        Assert.IsFalse(Directory.Exists(Path.Combine(Path.GetTempPath(), "mlnc-never-written")));
    }
}
