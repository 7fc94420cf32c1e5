using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.Runner;

[TestClass]
public sealed class StudyValidatorTests
{
    private static StudyConfig Config() => StudyFixture.DefaultConfig();

    private static void AssertRejected(StudyConfig config, string expected)
    {
        var output = StudyFixture.NewOutput();
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new StudyRunner().Run(config, output));
        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(Directory.Exists(Path.Combine(output, "cache")), "nothing was computed");
        Directory.Delete(output, true);
    }

    [TestMethod]
    public void AnUnknownSaeVariantIsRejectedFirst() =>
        AssertRejected(Config() with { Saes = [new SaeSpec("gated", 4, 8)] }, "unknown SAE variant 'gated'");

    [TestMethod]
    public void AnUnknownClusteringMethodIsRejectedFirst() =>
        AssertRejected(Config() with { Clusters = [new ClusterSpec("dbscan", 8)] }, "unknown clustering method 'dbscan'");

    [TestMethod]
    public void ABottleneckOnAnUnknownLayerIsNamed() =>
        AssertRejected(Config() with { Bottleneck = new StudyBottleneck { Layer = "nope" } }, "the bottleneck layer 'nope' is not one of the layers");

    [TestMethod]
    public void ABottleneckNeedsLabels()
    {
        var c = Config();
        var layer = c.Layers[0] with { Labels = null };
        AssertRejected(c with { Layers = [layer], Labels = null, Bottleneck = new StudyBottleneck { Layer = layer.Name } }, $"the bottleneck layer '{layer.Name}' has no labels");
    }

    [TestMethod]
    public void AMissingFileIsNamed() =>
        AssertRejected(Config() with { Layers = [new StudyLayer("x", "/nonexistent/layer.npy")] }, "/nonexistent/layer.npy");

    [TestMethod]
    public void MismatchedRowCountsAreNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnc-short-{Environment.ProcessId}.npy");
        NpyFile.WriteMatrix(path, new float[10 * 48], 10, 48);
        AssertRejected(Config() with { Layers = [.. Config().Layers, new StudyLayer("short", path)] }, "embeddings has 12000 rows but layer 'short' has 10");
        File.Delete(path);
    }

    [TestMethod]
    public void LayersWithoutMetadataMustShareTheirRowsUnlessTheyBringTheirOwn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlnc-short2-{Environment.ProcessId}.npy");
        var modality = Path.Combine(Path.GetTempPath(), $"mlnc-short2-modality-{Environment.ProcessId}.npy");
        NpyFile.WriteMatrix(path, new float[10 * 48], 10, 48);
        NpyFile.WriteVector(modality, new int[10]);
        var bare = Config() with { Embeddings = null, Modality = null, Pairs = null, GroundTruth = null, Layers = [Config().Layers[0], new StudyLayer("short", path)] };
        AssertRejected(bare, "layer 'short' has 10 rows but layer 'layer0' has 12000; rows must be aligned");
        var facts = StudyValidator.Validate(bare with { Layers = [Config().Layers[0], new StudyLayer("short", path) { Modality = modality }] });
        Assert.AreEqual(2, facts.Widths.Count, "a layer with its own metadata may have its own rows");
        File.Delete(path);
        File.Delete(modality);
    }

    [TestMethod]
    public void ModalityValuesOtherThanZeroAndOneAreRejected()
    {
        var rows = (int)NpyFile.ReadShape(Config().Layers[0].Path).Shape[0];
        var path = Path.Combine(Path.GetTempPath(), $"mlnc-modality-{Environment.ProcessId}.npy");
        NpyFile.WriteVector(path, Enumerable.Repeat(2, rows).ToArray());
        AssertRejected(Config() with { Modality = path }, "modality values must be 0 (image) or 1 (text); found 2");
        File.Delete(path);
    }

    [TestMethod]
    public void PlainFlagSpecsParseAndRejectGarbage()
    {
        Assert.AreEqual(new SaeSpec("batchtopk", 4, 8), SaeSpec.Parse("BatchTopK:4:8"));
        Assert.AreEqual("ward", ClusterSpec.Parse("agglomerative:16:ward").Linkage);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => SaeSpec.Parse("topk:x:8")).Message, "ARCH:EXPANSION:K");
    }
}
