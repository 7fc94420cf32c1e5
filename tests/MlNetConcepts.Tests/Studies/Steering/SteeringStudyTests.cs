using MlNetConcepts.Studies.Steering;
using MlNetConcepts.Tests.Transforms.Steering;

namespace MlNetConcepts.Tests.Studies.Steering;

/// <summary>
/// The steering study on the demo VLM with the fixture SAE (tools/fixtures/steering.py): the
/// acceptance measures of issue 14 on a reduced run (1,000 images, two strengths), and the
/// deterministic parts of the protocol against torch (tools/fixtures/steering_protocol.py).
/// </summary>
[TestClass]
public sealed class SteeringStudyTests
{
    internal static SteeringStudyOptions Small(string dataset) => new()
    {
        ModelDirectory = Path.GetDirectoryName(SteeringFixtures.DemoModel())!,
        DatasetDirectory = dataset,
        SaeDirectory = SteeringFixtures.Path("sae"),
        Images = 1000,
        Strengths = [1, 2],
        ReportStrength = 2,
        RealImages = 32,
        SuppressionImages = 16,
    };

    internal static string Dataset()
    {
        const string Dir = "/usr/share/datasets/fashion-mnist";
        if (!File.Exists(Path.Combine(Dir, "t10k-images-idx3-ubyte.gz"))) Assert.Inconclusive($"{Dir} missing: install Debian's dataset-fashion-mnist (./run.sh setup).");
        return Dir;
    }

    /// <summary>
    /// The acceptance of issue 14 on 1,000 images at strength 2: for every one of the 10 concepts
    /// with the highest MonoSemanticity, SAE insertion moves real images' embeddings more towards
    /// the concept's own top images than towards the other concepts' (margin &gt; 0), and SAE
    /// suppression lowers the matched class's probability. The deterministic parts of the
    /// protocol (ranking, matched classes, scales, blank-image margins, suppression drops, SAE and
    /// DiffMean) equal the torch re-implementation of tools/fixtures/steering_protocol.py.
    /// </summary>
    [TestMethod]
    public void EveryTopConceptInsertsAndSuppressesAsTheTorchProtocolSays()
    {
        var result = new SteeringStudy(Console.WriteLine).Run(Small(Dataset()));
        var s = result.Summary;
        var c = result.Concepts;
        Assert.AreEqual(10, (int)s.Rows.Count);
        Assert.AreEqual(10 * 2 * 4 * 2, (int)result.Sweep.Rows.Count, "concepts × methods × sets × strengths");
        double[] Col(string name) => Enumerable.Range(0, 10).Select(i => (double)s[name][i]!).ToArray();
        foreach (var name in new[] { "sae_margin_real", "sae_margin_blank", "sae_p_label_drop", "diffmean_margin_real", "diffmean_margin_blank", "diffmean_p_label_drop", "sae_unrelated_p_true_change" })
            Console.WriteLine($"{name}: {string.Join(", ", Col(name).Select(v => v.ToString("F3")))}");

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(SteeringFixtures.Path("protocol.json")));
        var expected = doc.RootElement.GetProperty("concepts").EnumerateArray().ToArray();
        Assert.AreEqual(10, expected.Length);
        for (int i = 0; i < 10; i++)
        {
            var e = expected[i];
            int k = e.GetProperty("concept").GetInt32();
            Assert.AreEqual(k, (int)c["concept"][i]!, $"rank {i}");
            Assert.AreEqual(e.GetProperty("support").GetInt32(), (int)c["support"][i]!, $"support of concept {k}");
            Assert.AreEqual(e.GetProperty("label").GetString(), (string)c["label"][i]!, $"matched class of concept {k}");
            Assert.AreEqual(e.GetProperty("ms").GetDouble(), (double)c["ms"][i]!, 1e-4, $"MS of concept {k}");
            Assert.AreEqual(e.GetProperty("token_max").GetDouble(), (double)c["token_max"][i]!, 1e-4, $"scale of concept {k}");
            foreach (var name in new[] { "sae_margin_blank", "diffmean_margin_blank", "sae_p_label_drop", "diffmean_p_label_drop" })
                Assert.AreEqual(e.GetProperty(name).GetDouble(), (double)s[name][i]!, 1e-3, $"{name} of concept {k}");
        }

        var margin = Col("sae_margin_real");
        var drop = Col("sae_p_label_drop");
        for (int i = 0; i < 10; i++)
        {
            Assert.IsTrue(margin[i] > 0, $"concept {s["concept"][i]}: insertion margin {margin[i]:F4}");
            Assert.IsTrue(drop[i] > 0, $"concept {s["concept"][i]}: suppression changes the matched class's probability by {-drop[i]:F4}");
        }
        Assert.IsTrue(Col("sae_unrelated_p_true_change").Average(Math.Abs) < drop.Average(), "unrelated images change less than the suppressed class does");
        var ms = Col("ms");
        for (int i = 1; i < ms.Length; i++) Assert.IsTrue(ms[i] <= ms[i - 1], "ranked by MonoSemanticity");
    }

    [TestMethod]
    public void ReportFilesAreWrittenTogether()
    {
        var result = new SteeringStudy().Run(Small(Dataset()) with { Images = 600, Concepts = 3, Strengths = [2], RealImages = 8, SuppressionImages = 8 });
        var dir = Path.Combine(Path.GetTempPath(), $"mlnc-steer-{Guid.NewGuid():N}");
        try
        {
            SteeringReport.Write(result, dir);
            foreach (var f in SteeringReport.Files) Assert.IsTrue(File.Exists(Path.Combine(dir, f)), f);
            var summary = File.ReadAllLines(Path.Combine(dir, "summary.csv"));
            Assert.AreEqual(4, summary.Length);
            StringAssert.StartsWith(summary[0], "concept,label,ms,strength,sae_margin_real,sae_margin_blank");
            var html = File.ReadAllText(Path.Combine(dir, "steer_report.html"));
            StringAssert.Contains(html, "<svg");
            StringAssert.Contains(html, "DiffMean");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BadSettingsNameTheParameter()
    {
        var o = Small("/nonexistent");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new SteeringStudy().Run(o with { Strengths = [1, double.NaN] }));
        StringAssert.Contains(e.Message, "strengths");
        CollectionAssert.Contains(e.Parameters.ToArray(), "strengths");
        var r = Assert.ThrowsExactly<ConceptDataException>(() => new SteeringStudy().Run(o with { ReportStrength = 3 }));
        CollectionAssert.Contains(r.Parameters.ToArray(), "reportStrength");
        var c = Assert.ThrowsExactly<ConceptDataException>(() => new SteeringStudy().Run(o with { Concepts = 1 }));
        CollectionAssert.Contains(c.Parameters.ToArray(), "concepts");
    }
}
