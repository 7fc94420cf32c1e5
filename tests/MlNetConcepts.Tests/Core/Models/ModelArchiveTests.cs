using System.IO.Compression;
using System.Text.Json.Nodes;
using MlNetConcepts.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Tests.Core.Pipeline;

namespace MlNetConcepts.Tests.Core.Models;

[TestClass]
public sealed class ModelArchiveTests
{
    private static readonly ModelLoaderRegistry Registry = CreateRegistry();

    private static ModelLoaderRegistry CreateRegistry()
    {
        var r = ModelLoaderRegistry.Default; // the chain loader lives there
        CenteringTransformer.Register(r);
        return r;
    }

    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = Directory.CreateTempSubdirectory("mlnc-archive-").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void SaveThenLoadGivesTheSameOutputs()
    {
        var data = InMemoryView.FromMatrix("X", [1, 10, 3, 20, 5, 60], 2);
        var fitted = new CenteringEstimator("A", "X").Append(new CenteringEstimator("B", "A")).Fit(data);
        var path = Path.Combine(_dir, "m.mlnc");
        ModelArchive.Save(fitted, path);

        var loaded = (IConceptTransformer)ModelArchive.Load(path, Registry);
        var expected = fitted.Transform(data).ReadMatrix("B", out _, out _);
        var actual = loaded.Transform(data).ReadMatrix("B", out _, out _);
        CollectionAssert.AreEqual(expected, actual);
        Assert.IsFalse(Directory.GetFiles(_dir).Any(f => f.EndsWith(".tmp")), "no temporary file may remain");
    }

    [TestMethod]
    public void TensorsAreReadableAsPlainSafetensors()
    {
        var t = new CenteringTransformer("A", "X", [1.5f, -2f]);
        var path = Path.Combine(_dir, "m.mlnc");
        ModelArchive.Save(t, path);
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.GetEntry("model/tensors.safetensors")!;
        using var s = entry.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var content = SafeTensors.Read(ms.ToArray(), "entry");
        CollectionAssert.AreEqual(new[] { 1.5f, -2f }, content["mean"].ToFloat32());
    }

    [TestMethod]
    public void ANewerFormatIsRefusedAsTooNew()
    {
        var path = Path.Combine(_dir, "m.mlnc");
        ModelArchive.Save(new CenteringTransformer("A", "X", [1f]), path);
        RewriteManifest(path, m => { m["formatVersion"] = 7; m["readableFromVersion"] = 5; });
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ModelArchive.Load(path, Registry));
        StringAssert.Contains(e.Message, "too new");
        StringAssert.Contains(e.Message, "version 7");
    }

    [TestMethod]
    public void ANewerFormatThatOldReadersMayReadIsAccepted()
    {
        var path = Path.Combine(_dir, "m.mlnc");
        ModelArchive.Save(new CenteringTransformer("A", "X", [1f]), path);
        RewriteManifest(path, m => { m["formatVersion"] = 2; m["readableFromVersion"] = 1; });
        Assert.IsInstanceOfType<CenteringTransformer>(ModelArchive.Load(path, Registry));
    }

    [TestMethod]
    public void AnUnknownComponentKindNamesTheKind()
    {
        var path = Path.Combine(_dir, "m.mlnc");
        ModelArchive.Save(new CenteringTransformer("A", "X", [1f]), path);
        RewriteManifest(path, m => m["root"]!["kind"] = "no-such-kind");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ModelArchive.Load(path, Registry));
        StringAssert.Contains(e.Message, "unknown component kind 'no-such-kind'");
    }

    [TestMethod]
    public void ANonZipFileIsAClearError()
    {
        var path = Path.Combine(_dir, "bad.mlnc");
        File.WriteAllText(path, "not a zip");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ModelArchive.Load(path, Registry));
        StringAssert.Contains(e.Message, "not a model archive");
    }

    private static void RewriteManifest(string path, Action<JsonObject> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(ModelArchive.ManifestEntry)!;
        JsonObject manifest;
        using (var s = entry.Open()) manifest = (JsonObject)JsonNode.Parse(s)!;
        edit(manifest);
        entry.Delete();
        using var w = new StreamWriter(zip.CreateEntry(ModelArchive.ManifestEntry).Open());
        w.Write(manifest.ToJsonString());
    }
}
