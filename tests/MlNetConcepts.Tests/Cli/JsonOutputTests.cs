using System.Text.Json;
using MlNetConcepts.Cli;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Reports;
using MlNetConcepts.Tests.Evaluators;
using MlNetConcepts.Tests.Trainers.Sae;
using MlNetConcepts.Trainers.Sae;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli;

/// <summary>
/// The JSON of several commands parsed with System.Text.Json: every key of the documented shape
/// (docs/CLI-JSON.md) is there with its JSON type, and the values are the library's report.
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class JsonOutputTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "mlnc-json-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>
    /// A number equal to <paramref name="expected"/>, or null where the report holds NaN or ±infinity. The CLI reads
    /// files in blocks and the library call here works in memory, so float64 sums may differ in the last bits.
    /// </summary>
    private static void AssertNumber(double expected, JsonElement actual, string what)
    {
        if (!double.IsFinite(expected)) { Assert.AreEqual(JsonValueKind.Null, actual.ValueKind, what); return; }
        Assert.AreEqual(JsonValueKind.Number, actual.ValueKind, what);
        Assert.AreEqual(expected, actual.GetDouble(), Math.Abs(expected) * 1e-12, what);
    }

    /// <summary>The report's whole JSON shape: title, typed parameters, column names, and each row's cells.</summary>
    private static void AssertFrame(EvaluationReport expected, JsonElement root)
    {
        var table = expected.Table;
        Assert.AreEqual(expected.Title, root.GetProperty("title").GetString());
        CollectionAssert.AreEqual(table.Columns.Select(c => c.Name).ToArray(),
            root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray());
        var parameters = root.GetProperty("parameters");
        CollectionAssert.AreEqual(expected.Parameters.Select(p => p.Key).ToArray(), parameters.EnumerateObject().Select(p => p.Name).ToArray(), "parameter keys in order");
        foreach (var (name, given) in expected.Parameters)
        {
            var value = parameters.GetProperty(name);
            switch (given)
            {
                case int i: Assert.AreEqual(i, value.GetInt32(), name); break;
                case long l: Assert.AreEqual(l, value.GetInt64(), name); break;
                case double d: AssertNumber(d, value, name); break;
                case string s: Assert.AreEqual(s, value.GetString(), name); break;
                default: Assert.Fail($"parameter {name} has an unexpected type"); break;
            }
        }
        var rows = root.GetProperty("rows");
        Assert.AreEqual(table.Rows.Count, rows.GetArrayLength());
        Assert.IsTrue(table.Rows.Count > 0, "the rows list carries the report");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = rows[r];
            Assert.AreEqual(table.Columns.Count, row.EnumerateObject().Count());
            foreach (var c in table.Columns)
            {
                var cell = row.GetProperty(c.Name);
                switch (c[r])
                {
                    case int a: Assert.AreEqual(JsonValueKind.Number, cell.ValueKind); Assert.AreEqual(a, cell.GetInt32()); break;
                    case long a: Assert.AreEqual(a, cell.GetInt64()); break;
                    case double a: AssertNumber(a, cell, $"{c.Name}[{r}]"); break;
                    case bool a: Assert.AreEqual(a ? JsonValueKind.True : JsonValueKind.False, cell.ValueKind); break;
                    case string a: Assert.AreEqual(a, cell.GetString()); break;
                    default: Assert.Fail($"{c.Name}[{r}] has an unexpected type"); break;
                }
            }
        }
    }

    [TestMethod]
    public void StabilityJsonIsTheMatchingWithNumericParameters()
    {
        var (code, output, err) = Run("eval", "stability", "--dict-a", EvalFixtures.PathOf("DA"), "--dict-b", EvalFixtures.PathOf("DB"),
            "--codes-a", EvalFixtures.PathOf("ZA"), "--codes-b", EvalFixtures.PathOf("ZB"), "--top", "8", "--json");
        Assert.AreEqual(0, code, err);
        var report = Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"), EvalFixtures.Matrix("ZA"), EvalFixtures.Matrix("ZB"), 8);
        var root = Parse(output);
        AssertFrame(report, root);
        var p = root.GetProperty("parameters");
        // Against scipy's assignment (tools/fixtures/eval.py), not only against the report.
        Assert.AreEqual(EvalFixtures.Doubles("stab_rect_mean")[0], p.GetProperty("stability").GetDouble(), 1e-6);
        Assert.AreEqual(8, p.GetProperty("top_m").GetInt32());
    }

    [TestMethod]
    public void UniquenessJsonHasPerNeuronRowsAndNullForUndefinedJaccard()
    {
        var (code, output, err) = Run("eval", "uniqueness", "--codes", EvalFixtures.PathOf("U"), "--json");
        Assert.AreEqual(0, code, err);
        var report = Uniqueness.Report(EvalFixtures.Matrix("U"));
        AssertFrame(report, Parse(output));
        var counts = EvalFixtures.Longs("uniq_counts");
        var p = Parse(output).GetProperty("parameters");
        Assert.AreEqual(counts[0], p.GetProperty("pairs_jaccard_positive").GetInt64());
        Assert.AreEqual(counts[1], p.GetProperty("pairs_jaccard_over_half").GetInt64());
    }

    [TestMethod]
    public void ReportFilesWrittenAsJsonHaveTheSameShape()
    {
        var dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "energy.json");
            var (code, _, err) = Run("eval", "energy", "--codes", EvalFixtures.PathOf("A"), "--out", path);
            Assert.AreEqual(0, code, err);
            AssertFrame(Energy.Report(EvalFixtures.Matrix("A")), Parse(File.ReadAllText(path)));
            path = Path.Combine(dir, "ms.json");
            (code, _, err) = Run("eval", "ms", "--activations", EvalFixtures.PathOf("A"), "--embeddings", EvalFixtures.PathOf("EMB"), "--top-n", "10", "--out", path);
            Assert.AreEqual(0, code, err);
            var ms = Parse(File.ReadAllText(path));
            AssertFrame(MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB"), 10), ms);
            Assert.AreEqual(10, ms.GetProperty("parameters").GetProperty("top_n").GetInt32());
            Assert.AreEqual(JsonValueKind.Null, ms.GetProperty("rows")[2].GetProperty("ms").ValueKind, "neuron 2 is dead: NaN is null");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SaeEvalJsonIsNumbersWithNullForUndefined()
    {
        var dir = TempDir();
        try
        {
            var (w, x, _) = SaeTestData.Problem("topk", 5);
            var sae = new SaeTransformer("topk", w, SaeTestData.Options("topk"));
            string model = Path.Combine(dir, "sae"), acts = Path.Combine(dir, "x.npy"), flat = Path.Combine(dir, "flat.npy");
            SaeLensFormat.Export(sae, model);
            NpyFile.WriteMatrix(acts, x, SaeTestData.Rows, SaeTestData.D);
            // Every row the same: the variance around the mean is 0, so R² is undefined (null).
            var same = Enumerable.Range(0, SaeTestData.Rows).SelectMany(_ => x.Take(SaeTestData.D)).ToArray();
            NpyFile.WriteMatrix(flat, same, SaeTestData.Rows, SaeTestData.D);
            foreach (var (file, data) in new[] { (acts, x), (flat, same) })
            {
                var (code, output, err) = Run("sae", "eval", "--sae", model, "--activations", file, "--json");
                Assert.AreEqual(0, code, err);
                var root = Parse(output);
                var m = SaeMetrics.Compute(sae, [data]);
                CollectionAssert.AreEqual(new[] { "rows", "mse", "r2", "l0", "dead_fraction", "mean_cosine", "mmcs" },
                    root.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.AreEqual(SaeTestData.Rows, root.GetProperty("rows").GetInt64());
                AssertNumber(m.Mse, root.GetProperty("mse"), "mse");
                AssertNumber(m.R2, root.GetProperty("r2"), "r2");
                AssertNumber(m.L0, root.GetProperty("l0"), "l0");
                AssertNumber(m.DeadFraction, root.GetProperty("dead_fraction"), "dead_fraction");
                AssertNumber(m.MeanCosine, root.GetProperty("mean_cosine"), "mean_cosine");
                Assert.AreEqual(JsonValueKind.Null, root.GetProperty("mmcs").ValueKind, "no --features: no MMCS");
                if (file == flat) Assert.AreEqual(JsonValueKind.Null, root.GetProperty("r2").ValueKind);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SystemJsonHasCountsAsNumbers()
    {
        var (code, output, err) = Run("info", "--system", "--json");
        Assert.AreEqual(0, code, err);
        var root = Parse(output);
        Assert.AreEqual(MlNetConcepts.Compute.ComputeSettings.Threads, root.GetProperty("threads").GetInt32());
        Assert.AreEqual(Environment.ProcessorCount, root.GetProperty("processors").GetInt32());
        Assert.AreEqual(JsonValueKind.String, root.GetProperty("backend").ValueKind);
    }
}
