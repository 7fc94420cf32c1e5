using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>
/// Model files that lie about their sizes or are damaged: every loader checks what a config or
/// checkpoint declares against the tensors present before allocating from it, and says which file
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

    [TestMethod]
    public void CliReportsAHostileSaeFolderInOneLineWithExitCodeTwo()
    {
        string model = Path.Combine(_dir, "sae");
        SaeLensFormat.Export(Sae("topk"), Path.Combine(model, "saelens"));
        string cfgPath = Path.Combine(model, "saelens", SaeLensFormat.ConfigFile);
        var cfg = (JsonObject)JsonNode.Parse(File.ReadAllText(cfgPath))!;
        cfg["d_sae"] = 1_000_000_000;
        File.WriteAllText(cfgPath, cfg.ToJsonString());
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
        StringAssert.StartsWith(lines[0], $"error: {cfgPath}: d_sae is 1000000000");
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
