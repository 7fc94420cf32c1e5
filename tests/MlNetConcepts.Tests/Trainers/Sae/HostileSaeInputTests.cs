using System.IO.Compression;
using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>
/// Model files that lie about their sizes or are damaged: every loader checks what a manifest or
/// config declares against the tensors present before allocating from it, and says which file
/// and which field is wrong, never crashing (OverflowException, out of memory, stack traces).
/// </summary>
[TestClass]
[DoNotParallelize] // one test redirects Console
public sealed class HostileSaeInputTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlnc-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    private static SaeTransformer Sae(string arch = "topk")
    {
        var (w, _, _) = SaeTestData.Problem(arch, 7);
        return new SaeTransformer(arch, w, SaeTestData.Options(arch));
    }

    /// <summary>A valid archive of <paramref name="component"/> whose manifest is then edited by <paramref name="edit"/>.</summary>
    private string Archive(Action<JsonObject> edit, ISavableComponent? component = null)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.mlnc");
        ModelArchive.Save(component ?? Sae(), path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(ModelArchive.ManifestEntry)!;
        JsonObject manifest;
        using (var s = entry.Open()) manifest = (JsonObject)JsonNode.Parse(s)!;
        edit(manifest);
        entry.Delete();
        using (var w = new StreamWriter(zip.CreateEntry(ModelArchive.ManifestEntry).Open())) w.Write(manifest.ToJsonString());
        return path;
    }

    private static JsonObject Options(JsonObject manifest) => (JsonObject)manifest["root"]!["options"]!;

    private static void AssertRejected(string path, params string[] fragments)
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ModelArchive.Load(path));
        StringAssert.Contains(e.Message, path);
        foreach (var f in fragments) StringAssert.Contains(e.Message, f);
    }

    [TestMethod]
    public void HugeDeclaredLatentsFailOnTheTensorShapeNotOnAllocation()
    {
        AssertRejected(Archive(m => Options(m)["latents"] = 1_000_000_000), "tensor 'W_enc'", "expected (1000000000, 6)");
        AssertRejected(Archive(m => Options(m)["latents"] = 400_000_000_000L), "option 'latents'", "a size must be between 1 and");
        // A smaller lie that would allocate gigabytes if trusted.
        AssertRejected(Archive(m => Options(m)["inputs"] = 50_000_000), "tensor 'W_enc'", "expected (16, 50000000)");
    }

    [TestMethod]
    public void NegativeZeroAndMistypedSizesAreNamed()
    {
        AssertRejected(Archive(m => Options(m)["latents"] = -5), "option 'latents'", "is -5");
        AssertRejected(Archive(m => Options(m)["inputs"] = 0), "option 'inputs'", "is 0");
        AssertRejected(Archive(m => Options(m)["inputs"] = "six"), "option 'inputs'", "\"six\"");
        AssertRejected(Archive(m => Options(m)["parameters"] = new JsonObject { ["per-neuron-threshold"] = "sideways" }, Sae("batchtopk")),
            "saved parameter per-neuron-threshold takes true or false, got 'sideways'");
    }

    [TestMethod]
    public void SizesThatDisagreeWithTheTensorsAreNamed()
    {
        AssertRejected(Archive(m => Options(m)["latents"] = 15), "tensor 'W_enc'", "has shape (16, 6), expected (15, 6)");
        AssertRejected(Archive(m => Options(m)["inputs"] = 7), "has shape (16, 6), expected (16, 7)");
    }

    [TestMethod]
    public void TruncatedTensorDataAndBadJsonAreNamed()
    {
        string path = Path.Combine(_dir, "truncated.mlnc");
        ModelArchive.Save(Sae(), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith(".safetensors", StringComparison.Ordinal));
            string name = entry.FullName;
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            entry.Delete();
            using var w = zip.CreateEntry(name).Open();
            w.Write(bytes, 0, bytes.Length - 100);
        }
        AssertRejected(path, "tensors.safetensors", "outside the");

        string bad = Path.Combine(_dir, "badjson.mlnc");
        ModelArchive.Save(Sae(), bad);
        using (var zip = ZipFile.Open(bad, ZipArchiveMode.Update))
        {
            zip.GetEntry(ModelArchive.ManifestEntry)!.Delete();
            using var w = new StreamWriter(zip.CreateEntry(ModelArchive.ManifestEntry).Open());
            w.Write("{\"format\": \"mlnc-model\", \"root\": {");
        }
        AssertRejected(bad, "manifest.json is corrupt");
        AssertRejected(Archive(m => m["formatVersion"] = "one"), "not valid");
    }

    [TestMethod]
    public void AChainCannotDeclareMoreStepsThanItSaved()
    {
        var chain = new TransformerChain<IConceptTransformer>([Sae()]);
        AssertRejected(Archive(m => Options(m)["steps"] = 1_000_000_000, chain), "declares 1000000000 steps but 1 are saved");
        AssertRejected(Archive(m => Options(m)["steps"] = -1, chain), "declares -1 steps");
    }

    [TestMethod]
    public void CliReportsAHostileArchiveInOneLineWithExitCodeTwo()
    {
        string model = Archive(m => Options(m)["latents"] = 1_000_000_000);
        string acts = Path.Combine(_dir, "x.npy");
        var (_, x, _) = SaeTestData.Problem("topk", 7);
        NpyFile.WriteMatrix(acts, x, SaeTestData.Rows, SaeTestData.D);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var err = new StringWriter();
        Console.SetOut(new StringWriter());
        Console.SetError(err);
        int code;
        try { code = MlncApp.Run(["sae", "encode", "--sae", model, "--activations", acts, "--out", Path.Combine(_dir, "codes.npy")]); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        Assert.AreEqual(CliAction.BadInput, code, err.ToString());
        var lines = err.ToString().TrimEnd().Split('\n');
        Assert.AreEqual(1, lines.Length, err.ToString());
        StringAssert.StartsWith(lines[0], $"error: {model}: tensor 'W_enc'");
        Assert.IsFalse(File.Exists(Path.Combine(_dir, "codes.npy")));
    }

    [TestMethod]
    public void SaeLensConfigMustAgreeWithItsTensors()
    {
        string folder = Path.Combine(_dir, "saelens");
        SaeLensFormat.Export(Sae("topk"), folder);
        string cfgPath = Path.Combine(folder, SaeLensFormat.ConfigFile);
        var cfg = (JsonObject)JsonNode.Parse(File.ReadAllText(cfgPath))!;
        void Write(Action<JsonObject> edit)
        {
            var copy = (JsonObject)cfg.DeepClone();
            edit(copy);
            File.WriteAllText(cfgPath, copy.ToJsonString());
        }
        SaeLensFormat.Import(folder); // the untouched export loads

        Write(c => c["d_sae"] = 1_000_000_000);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(folder));
        StringAssert.Contains(e.Message, $"{cfgPath}: d_sae is 1000000000, but the tensors in");
        Write(c => c["d_in"] = -1);
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(folder));
        StringAssert.Contains(e.Message, "d_in is -1");
        Write(c => c["k"] = "eight");
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(folder));
        StringAssert.Contains(e.Message, $"{cfgPath}: a field has the wrong type");
        File.WriteAllText(cfgPath, "{\"architecture\": ");
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(folder));
        StringAssert.Contains(e.Message, $"{cfgPath}: not valid JSON");
    }

    [TestMethod]
    public void CheckpointTensorsMustHaveTheRunsSizes()
    {
        const string Arch = "topk";
        var (w, _, _) = SaeTestData.Problem(Arch, 7);
        var options = SaeTestData.Options(Arch);
        var adam = new AdamOptimizer(w, trainThreshold: false, options);
        string path = Path.Combine(_dir, "cp.safetensors");
        new SaeCheckpoint(w, adam, new long[SaeTestData.N], 1.0, 3, 0, 3).Save(path, Arch);
        var ok = SaeCheckpoint.Load(path, Arch, w, new AdamOptimizer(w, false, options));
        Assert.AreEqual(3, ok.Step);

        // Same metadata, but since_fired is short by one latent.
        new SaeCheckpoint(w, adam, new long[SaeTestData.N - 1], 1.0, 3, 0, 3).Save(path, Arch);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SaeCheckpoint.Load(path, Arch, w, new AdamOptimizer(w, false, options)));
        StringAssert.Contains(e.Message, $"{path}: tensor 'since_fired' has 15 values, expected 16");

        // A checkpoint of another size is refused by its metadata before any tensor is copied.
        var big = new SaeWeights(SaeTestData.D, 32, 0);
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeCheckpoint.Load(path, Arch, big, new AdamOptimizer(big, false, options)));
        StringAssert.Contains(e.Message, "but this run trains topk 6→32");

        // Non-numeric position metadata.
        var content = SafeTensors.ReadFile(path);
        var meta = content.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        meta["step"] = "-4";
        var tensors = content.Tensors.ToList();
        tensors.RemoveAll(t => t.Key == "since_fired");
        tensors.Add(new("since_fired", NdArray.FromInt64s(new long[SaeTestData.N], SaeTestData.N)));
        SafeTensors.WriteFile(path, tensors, meta);
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeCheckpoint.Load(path, Arch, w, new AdamOptimizer(w, false, options)));
        StringAssert.Contains(e.Message, "checkpoint 'step' is '-4', not a non-negative integer");
    }
}
