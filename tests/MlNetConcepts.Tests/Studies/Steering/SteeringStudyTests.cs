using MlNetConcepts.Studies.Steering;
using MlNetConcepts.Tests.Transforms.Steering;

namespace MlNetConcepts.Tests.Studies.Steering;

/// <summary>
/// The steering study on the demo VLM with the fixture SAE (tools/fixtures/steering.py): the
/// acceptance measures of issue 14 on a reduced run (1,000 images, two strengths).
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

    [TestMethod]
    public void SaeInsertionFavoursTheConceptsOwnImagesAndSuppressionLowersItsClass()
    {
        var result = new SteeringStudy(Console.WriteLine).Run(Small(Dataset()));
        var s = result.Summary;
        Assert.AreEqual(10, (int)s.Rows.Count);
        Assert.AreEqual(10 * 2 * 4 * 2, (int)result.Sweep.Rows.Count, "concepts × methods × sets × strengths");
        double[] Col(string name) => Enumerable.Range(0, 10).Select(i => (double)s[name][i]!).ToArray();
        var margin = Col("sae_margin_real");
        var drop = Col("sae_p_label_drop");
        var unrelated = Col("sae_unrelated_p_true_change");
        Console.WriteLine($"SAE margins: {string.Join(", ", margin.Select(v => v.ToString("F3")))}");
        Console.WriteLine($"DiffMean margins: {string.Join(", ", Col("diffmean_margin_real").Select(v => v.ToString("F3")))}");
        Console.WriteLine($"SAE label probability drops: {string.Join(", ", drop.Select(v => v.ToString("F3")))}");
        Console.WriteLine($"SAE unrelated true-class changes: {string.Join(", ", unrelated.Select(v => v.ToString("F3")))}");
        // Measured here (2026-11-29): 9/10 positive margins, 8/10 positive drops, mean drop 0.40.
        Assert.IsTrue(margin.Count(m => m > 0) >= 8, "insertion moves towards the concept's own top images more than towards the others' for most concepts");
        Assert.IsTrue(drop.Count(d => d > 0) >= 7, "suppression lowers the label's probability for most concepts");
        Assert.IsTrue(drop.Average() > 0.2, $"mean drop of the label's probability {drop.Average():F3}");
        Assert.IsTrue(unrelated.Average(Math.Abs) < drop.Average(), "unrelated images change less than the suppressed class does");
        // MonoSemanticity ranking: descending.
        var ms = Col("ms");
        for (int i = 1; i < ms.Length; i++) Assert.IsTrue(ms[i] <= ms[i - 1]);
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
