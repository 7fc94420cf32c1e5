using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Tests.Evaluators;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
[DoNotParallelize] // redirects Console
public sealed class EvalCommandTests
{
    private static string F(string name) => EvalFixtures.PathOf(name);

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "mlnc-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    private static double ParseCell(string s) => s == "NaN" ? double.NaN : double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [TestMethod]
    public void MsWritesTheStatedColumnsAndNumpyValues()
    {
        var dir = TempDir();
        var (code, output, _) = Run("eval", "ms", "--activations", F("A"), "--embeddings", F("EMB"), "--out", Path.Combine(dir, "ms.csv"), "--summary");
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "| units | dead | mean |");
        var lines = File.ReadAllLines(Path.Combine(dir, "ms.csv"));
        Assert.AreEqual("neuron,ms,support,dead", lines[0]);
        var expected = EvalFixtures.Doubles("ms_neurons");
        var got = lines.Skip(1).Select(l => ParseCell(l.Split(',')[1])).ToArray();
        EvalFixtures.AssertClose(expected, got, 1e-5, "ms from CLI");
        Assert.AreEqual("2,NaN,0,true", lines[3]);
    }

    [TestMethod]
    public void MsClustersTopNWritesClusterColumns()
    {
        var dir = TempDir();
        var (code, _, _) = Run("eval", "ms-clusters", "--activations", F("X"), "--centroids", F("C"), "--embeddings", F("EMB"), "--top-n", "10", "--out", Path.Combine(dir, "c.csv"));
        Assert.AreEqual(0, code);
        var lines = File.ReadAllLines(Path.Combine(dir, "c.csv"));
        Assert.AreEqual("cluster,ms,support", lines[0]);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters_top"), lines.Skip(1).Select(l => ParseCell(l.Split(',')[1])).ToArray(), 1e-5, "ms clusters top");
    }

    [TestMethod]
    public void OverlapWritesMatrixAndMatchesWithJsd()
    {
        var dir = TempDir();
        var (code, _, _) = Run("eval", "overlap", "--codes", F("A"), "--activations", F("X"), "--centroids", F("C"), "--tau", "0.8", "--jsd", "--out", dir);
        Assert.AreEqual(0, code);
        var o = NpyFile.Read(Path.Combine(dir, "overlap.npy"));
        Assert.AreEqual(NdType.Float32, o.Type);
        CollectionAssert.AreEqual(new long[] { 5, 12 }, o.Shape);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("overlap"), o.ToFloat64(), 1e-5, "overlap.npy");
        var lines = File.ReadAllLines(Path.Combine(dir, "matches.csv"));
        Assert.AreEqual("cluster,feature,overlap,jsd", lines[0]);
        var all = File.ReadAllLines(Path.Combine(dir, "jsd.csv"));
        Assert.AreEqual(61, all.Length, "all 5 x 12 pairs (J·K·N is small)");
        var jsd = EvalFixtures.Doubles("jsd");
        foreach (var l in lines.Skip(1))
        {
            var p = l.Split(',');
            Assert.AreEqual(jsd[int.Parse(p[0]) * 12 + int.Parse(p[1])], ParseCell(p[3]), 1e-6);
        }
    }

    [TestMethod]
    public void OverlapReadsSparseCodesAndBlocksAndWritesTheOneToOneMatching()
    {
        var csr = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", "A_csr.npz");
        foreach (var (codes, centred) in new[] { (csr, false), (F("A"), true), (csr, true) })
        {
            var dir = TempDir();
            var args = new List<string> { "eval", "overlap", "--codes", codes, "--activations", F("X"), "--centroids", F("C"), "--block-rows", "7", "--out", dir };
            if (centred) args.Add("--centred");
            var (code, output, err) = Run(args.ToArray());
            Assert.AreEqual(0, code, err);
            var o = NpyFile.Read(Path.Combine(dir, "overlap.npy"));
            EvalFixtures.AssertClose(EvalFixtures.Doubles(centred ? "overlap_centred" : "overlap"), o.ToFloat64(), 1e-5, $"overlap.npy from {Path.GetFileName(codes)}");
            var lines = File.ReadAllLines(Path.Combine(dir, "one_to_one.csv"));
            Assert.AreEqual("cluster,feature,overlap,matched", lines[0]);
            var expected = EvalFixtures.Longs(centred ? "overlap_centred_one_to_one" : "overlap_one_to_one");
            var got = lines.Skip(1).Select(l => l.Split(',')).OrderBy(p => int.Parse(p[0])).ToArray();
            Assert.AreEqual(5, got.Length);
            for (int i = 0; i < 5; i++) Assert.AreEqual(expected[2 * i + 1], long.Parse(got[i][1]), $"feature of cluster {i}");
            StringAssert.Contains(output, "one-to-one: ");
            StringAssert.Contains(output, "distinct features");
        }
    }

    [TestMethod]
    public void OverlapRejectsJsdOnSparseCodesByName()
    {
        var csr = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", "A_csr.npz");
        var (code, _, err) = Run("eval", "overlap", "--codes", csr, "--activations", F("X"), "--centroids", F("C"), "--jsd", "--out", TempDir());
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "A_csr.npz holds sparse codes");
    }

    [TestMethod]
    public void StabilityPrintsJsonWithTopM()
    {
        var (code, output, _) = Run("eval", "stability", "--dict-a", F("DA"), "--dict-b", F("DB"), "--codes-a", F("ZA"), "--codes-b", F("ZB"), "--top", "8", "--json");
        Assert.AreEqual(0, code);
        var root = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        var p = root["parameters"]!;
        Assert.AreEqual(EvalFixtures.Doubles("stab_rect_mean")[0], p["stability"]!.GetValue<double>(), 1e-6);
        Assert.AreEqual(EvalFixtures.Doubles("stab_top_mean")[0], p["stability_top_m"]!.GetValue<double>(), 1e-6);
    }

    [TestMethod]
    public void ModalityBridgeEnergyUniquenessRun()
    {
        var dir = TempDir();
        Assert.AreEqual(0, Run("eval", "modality", "--codes", F("A"), "--modality", F("modality"), "--inputs", F("X"), "--dictionary", F("DK"), "--out", Path.Combine(dir, "m.csv")).Code);
        Assert.AreEqual("concept,image_mean,text_mean,modality_score,energy,accuracy", File.ReadLines(Path.Combine(dir, "m.csv")).First());
        Assert.AreEqual(0, Run("eval", "bridge", "--image-codes", F("ZI"), "--text-codes", F("ZT"), "--dictionary", F("DBR"), "--top", "25", "--out", Path.Combine(dir, "b.csv")).Code);
        var b = File.ReadAllLines(Path.Combine(dir, "b.csv"));
        Assert.AreEqual("i,j,bridge,coactivation,cosine", b[0]);
        Assert.AreEqual(26, b.Length);
        var top = EvalFixtures.Doubles("bridge_top");
        Assert.AreEqual(top[2], ParseCell(b[1].Split(',')[2]), 1e-5);
        Assert.AreEqual(0, Run("eval", "energy", "--codes", F("A"), "--out", Path.Combine(dir, "e.csv")).Code);
        Assert.AreEqual("concept,energy,share,rank", File.ReadLines(Path.Combine(dir, "e.csv")).First());
        var (code, output, _) = Run("eval", "uniqueness", "--codes", F("U"), "--json");
        Assert.AreEqual(0, code);
        var p = System.Text.Json.Nodes.JsonNode.Parse(output)!["parameters"]!;
        Assert.AreEqual(EvalFixtures.Longs("uniq_counts")[0], p["pairs_jaccard_positive"]!.GetValue<long>());
    }

    [TestMethod]
    public void BadInputExitsWithCodeTwoAndOneLine()
    {
        var dir = TempDir();
        var nan = Path.Combine(dir, "nan.npy");
        NpyFile.WriteMatrix(nan, [1f, float.NaN, 2f, 3f], 2, 2);
        var (code, _, err) = Run("eval", "energy", "--codes", nan, "--out", Path.Combine(dir, "e.csv"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "nan.npy: value NaN at row 0, column 1 is not finite");
        (code, _, err) = Run("eval", "ms", "--activations", F("A"), "--embeddings", F("ZI"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "has 60 rows but");
        var bad = Path.Combine(dir, "m.npy");
        NpyFile.WriteVector(bad, Enumerable.Range(0, 60).Select(i => i % 3).ToArray());
        (code, _, err) = Run("eval", "modality", "--codes", F("A"), "--modality", bad, "--out", Path.Combine(dir, "m.csv"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "row 2 has modality 2");
        (code, _, err) = Run("eval", "bridge", "--image-codes", F("ZI"), "--text-codes", F("ZT"), "--dictionary", F("DK"), "--out", Path.Combine(dir, "b.csv"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "has 12 concepts (rows) but the codes have 30 columns");
        Assert.IsFalse(File.Exists(Path.Combine(dir, "b.csv")));
    }

    /// <summary>Every eval verb turns bad input into exit code 2 and one line naming what is wrong, and writes nothing.</summary>
    [TestMethod]
    [DataRow("ms-clusters", "--activations|X|--centroids|A|--embeddings|EMB", "width")]
    [DataRow("overlap", "--codes|A|--activations|ZI|--centroids|C", "rows")]
    [DataRow("stability", "--dict-a|DA|--dict-b|A", "columns")]
    [DataRow("stability", "--dict-a|DA|--dict-b|DB|--codes-a|ZA", "go together")]
    [DataRow("uniqueness", "--codes|missing", "missing.npy")]
    [DataRow("energy", "--codes|missing", "missing.npy")]
    [DataRow("modality", "--codes|A|--modality|missing", "missing.npy")]
    [DataRow("ms", "--activations|A", "--embeddings")]
    public void EveryEvalVerbExitsWithCodeTwoOnBadInput(string verb, string options, string message)
    {
        var dir = TempDir();
        var args = new List<string> { "eval", verb };
        var parts = options.Split('|');
        for (int i = 0; i < parts.Length; i += 2)
        {
            args.Add(parts[i]);
            args.Add(parts[i + 1] == "missing" ? Path.Combine(dir, "missing.npy") : F(parts[i + 1]));
        }
        string outPath = Path.Combine(dir, verb == "overlap" ? "o" : "r.csv");
        if (verb is "overlap" or "energy" or "modality") args.AddRange(["--out", outPath]);
        var (code, output, err) = Run(args.ToArray());
        Assert.AreEqual(2, code, $"stdout: {output} stderr: {err}");
        StringAssert.Contains(err, message);
        Assert.AreEqual(1, err.TrimEnd().Split('\n').Length, err);
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), "no stack trace");
        Assert.IsFalse(File.Exists(outPath) || Directory.Exists(outPath) && Directory.EnumerateFileSystemEntries(outPath).Any(), "nothing written");
    }

    /// <summary>CSR codes in the layout sae encode --sparse writes (indptr, indices, values, shape).</summary>
    private static string WriteCsr(string dir, string name, float[] dense, int rows, int cols)
    {
        var indptr = new List<long> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
                if (dense[r * cols + c] != 0) { indices.Add(c); values.Add(dense[r * cols + c]); }
            indptr.Add(indices.Count);
        }
        var path = Path.Combine(dir, name);
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        foreach (var (member, a) in new[]
        {
            ("indptr", NdArray.FromInt64s(indptr.ToArray(), indptr.Count)), ("indices", NdArray.FromInt32s(indices.ToArray(), indices.Count)),
            ("values", NdArray.FromFloats(values.ToArray(), values.Count)), ("shape", NdArray.FromInt64s([rows, cols], 2)),
        })
        {
            using var s = zip.CreateEntry(member + ".npy").Open();
            NpyFile.Write(s, a);
        }
        return path;
    }

    private static double[] MsColumn(string csv) => File.ReadAllLines(csv).Skip(1).Select(l => ParseCell(l.Split(',')[1])).ToArray();

    [TestMethod]
    public void MsStreamsFilesAboveTheWholeLoadLimitInSmallBlocksAndMatchesNumpy()
    {
        var dir = TempDir();
        // No input may be read whole: a file above this limit fails any whole-file read.
        NpyFile.WholeLoadLimitOverride = 100;
        try
        {
            var (code, _, err) = Run("eval", "ms", "--activations", F("A"), "--embeddings", F("EMB"), "--block-rows", "7", "--out", Path.Combine(dir, "ms.csv"));
            Assert.AreEqual(0, code, err);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), MsColumn(Path.Combine(dir, "ms.csv")), 1e-5, "ms, 7-row blocks");
            (code, _, err) = Run("eval", "ms", "--activations", F("A"), "--embeddings", F("EMB"), "--block-rows", "7", "--top-n", "10", "--out", Path.Combine(dir, "top.csv"));
            Assert.AreEqual(0, code, err);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons_top"), MsColumn(Path.Combine(dir, "top.csv")), 1e-5, "ms top-10, 7-row blocks");
            var support = File.ReadAllLines(Path.Combine(dir, "top.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_support_top"), support, 0, "support top-10");
            (code, _, err) = Run("eval", "ms-clusters", "--activations", F("X"), "--centroids", F("C"), "--embeddings", F("EMB"), "--block-rows", "9", "--out", Path.Combine(dir, "c.csv"));
            Assert.AreEqual(0, code, err);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters"), MsColumn(Path.Combine(dir, "c.csv")), 1e-5, "ms clusters, 9-row blocks");
            (code, _, err) = Run("eval", "ms-clusters", "--activations", F("X"), "--centroids", F("C"), "--embeddings", F("EMB"), "--block-rows", "9", "--top-n", "10", "--out", Path.Combine(dir, "ct.csv"));
            Assert.AreEqual(0, code, err);
            EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_clusters_top"), MsColumn(Path.Combine(dir, "ct.csv")), 1e-5, "ms clusters top-10, 9-row blocks");
            string output;
            (code, output, err) = Run("eval", "uniqueness", "--codes", F("U"), "--block-rows", "7", "--json");
            Assert.AreEqual(0, code, err);
            var p = System.Text.Json.Nodes.JsonNode.Parse(output)!["parameters"]!;
            Assert.AreEqual(EvalFixtures.Longs("uniq_counts")[0], (long)p["pairs_jaccard_positive"]!);
            Assert.AreEqual(EvalFixtures.Longs("uniq_counts")[1], (long)p["pairs_jaccard_over_half"]!);
            // The inputs X (360 values) are streamed too; the dictionary DK (72 values) is read whole.
            (code, _, err) = Run("eval", "modality", "--codes", F("A"), "--modality", F("modality"), "--inputs", F("X"), "--dictionary", F("DK"),
                "--block-rows", "7", "--out", Path.Combine(dir, "m.csv"));
            Assert.AreEqual(0, code, err);
            var modalityRows = File.ReadAllLines(Path.Combine(dir, "m.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
            EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_score"), modalityRows.Select(c => ParseCell(c[3])).ToArray(), 1e-9, "modality score, 7-row blocks");
            EvalFixtures.AssertClose(EvalFixtures.Doubles("modality_accuracy"), modalityRows.Select(c => ParseCell(c[5])).ToArray(), 1e-9, "modality accuracy, 7-row blocks");
            NpyFile.WholeLoadLimitOverride = 200; // the dictionaries (≤ 180 values) are read whole, the codes (≥ 1200) are not
            (code, _, err) = Run("eval", "bridge", "--image-codes", F("ZI"), "--text-codes", F("ZT"), "--dictionary", F("DBR"), "--top", "25", "--block-rows", "7", "--out", Path.Combine(dir, "b.csv"));
            Assert.AreEqual(0, code, err);
            var b = File.ReadAllLines(Path.Combine(dir, "b.csv"));
            Assert.AreEqual(26, b.Length);
            var bridgeTop = EvalFixtures.Doubles("bridge_top");
            for (int t = 0; t < 25; t++)
            {
                var cells = b[1 + t].Split(',');
                Assert.AreEqual(bridgeTop[t * 5], double.Parse(cells[0]), $"bridge pair {t}: i");
                Assert.AreEqual(bridgeTop[t * 5 + 1], double.Parse(cells[1]), $"bridge pair {t}: j");
                Assert.AreEqual(bridgeTop[t * 5 + 2], ParseCell(cells[2]), 1e-5, $"bridge pair {t}: B");
            }
            (code, output, err) = Run("eval", "stability", "--dict-a", F("DA"), "--dict-b", F("DB"), "--codes-a", F("ZA"), "--codes-b", F("ZB"), "--top", "8", "--block-rows", "7", "--json");
            Assert.AreEqual(0, code, err);
            p = System.Text.Json.Nodes.JsonNode.Parse(output)!["parameters"]!;
            Assert.AreEqual(EvalFixtures.Doubles("stab_top_mean")[0], (double)p["stability_top_m"]!, 1e-6);
        }
        finally { NpyFile.WholeLoadLimitOverride = null; }
    }

    [TestMethod]
    public void MsAndEnergyAcceptSparseCodes()
    {
        var dir = TempDir();
        var a = EvalFixtures.Array("A");
        var csr = WriteCsr(dir, "codes.npz", a.ToFloat32(), (int)a.Shape[0], (int)a.Shape[1]);
        var (code, _, err) = Run("eval", "ms", "--activations", csr, "--embeddings", F("EMB"), "--block-rows", "11", "--out", Path.Combine(dir, "ms.csv"));
        Assert.AreEqual(0, code, err);
        EvalFixtures.AssertClose(EvalFixtures.Doubles("ms_neurons"), MsColumn(Path.Combine(dir, "ms.csv")), 1e-5, "ms from sparse codes");
        // Energy against scipy: its own save_npz archive, and the dense twin in 5-row blocks.
        var energy = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Formats", "csr_energy.npy")).ToFloat64();
        foreach (var (input, block) in new[] { ("csr_scipy.npz", "4"), ("csr_dense.npy", "5") })
        {
            var outPath = Path.Combine(dir, input + ".csv");
            (code, _, err) = Run("eval", "energy", "--codes", Path.Combine(AppContext.BaseDirectory, "Fixtures", "Formats", input), "--block-rows", block, "--out", outPath);
            Assert.AreEqual(0, code, err);
            EvalFixtures.AssertClose(energy, MsColumn(outPath), 1e-6, "energy of " + input);
        }
    }
}
