using System.Text.RegularExpressions;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.Runner;

[TestClass]
public sealed class StudyRunnerTests
{
    /// <summary>
    /// The acceptance check of the study on the synthetic benchmark's linear layer: the SAE
    /// recovers the planted concepts, its atoms for image-only and text-only concepts get modality
    /// scores near 1 and 0, and the planted bridges rank among the top bridge pairs.
    /// </summary>
    [TestMethod]
    public void TheLinearLayerOfTheSyntheticBenchmarkIsRecovered()
    {
        var config = StudyFixture.DefaultConfig() with
        {
            Layers = StudyFixture.DefaultConfig().Layers.Take(1).ToList(),
            Clusters = [new ClusterSpec("kmeans", 32)],
        };
        var output = StudyFixture.NewOutput();
        var result = new StudyRunner().Run(config, output);
        var truth = result.Layers[0].GroundTruth;
        Assert.IsNotNull(truth, "the ground truth next to the layers is picked up");
        Assert.IsTrue(truth.SaeRecovery >= 0.9, $"SAE recovery {truth.SaeRecovery:P1} < 90%");
        Assert.IsTrue(truth.ImageConceptModality.Length > 0 && truth.TextConceptModality.Length > 0);
        Assert.IsTrue(truth.ImageConceptModality.All(v => v >= 0.9), $"image-only atoms: min modality {truth.ImageConceptModality.Min():F3}");
        Assert.IsTrue(truth.TextConceptModality.All(v => v <= 0.1), $"text-only atoms: max modality {truth.TextConceptModality.Max():F3}");
        Assert.IsTrue(truth.BridgeRecall >= 0.8, $"bridge recall {truth.BridgeRecall:P0} < 80%");
        Directory.Delete(output, true);
    }

    [TestMethod]
    public void ReRunningAnUnchangedStudyRecomputesNothing()
    {
        var config = SmallConfig();
        var output = StudyFixture.NewOutput();
        var first = new StudyRunner();
        first.Run(config, output);
        Assert.IsTrue(first.Recomputed > 0);
        Assert.AreEqual(0, first.Reused);

        var second = new StudyRunner();
        second.Run(config, output);
        Assert.AreEqual(0, second.Recomputed, "every stage comes from the cache");
        Assert.AreEqual(first.Recomputed, second.Reused);

        // Extending the study recomputes only what is new: one more clusterer and the analysis.
        var third = new StudyRunner();
        third.Run(config with { Clusters = [.. config.Clusters, new ClusterSpec("spherical", 8)] }, output);
        Assert.AreEqual(2, third.Recomputed);
        Directory.Delete(output, true);
    }

    [TestMethod]
    public void TheReportIsSelfContainedAndEveryLinkedFileExists()
    {
        var output = StudyFixture.NewOutput();
        new StudyRunner().Run(SmallConfig(), output);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        var withoutDataUris = Regex.Replace(html, "data:image/png;base64,[A-Za-z0-9+/=]*", "");
        StringAssert.DoesNotMatch(withoutDataUris, new Regex("https?:|//"), "no network reference outside data URIs");
        var links = Regex.Matches(html, "href=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.IsTrue(links.Count > 5);
        foreach (var link in links) Assert.IsTrue(File.Exists(Path.Combine(output, link)), $"linked file {link} exists");
        var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        StringAssert.StartsWith(summary[0], "layer,sae,clusters,one_to_one_matched,one_to_one_mean_overlap,distinct_features_matched,clusters_matched,features_matched,mean_best_overlap");
        StringAssert.Contains(html, "One-to-one: ");
        Assert.AreEqual(1, Directory.GetFiles(Path.Combine(output, "layer0"), "one_to_one_*.csv").Length);
        StringAssert.Contains(summary[0], "ms_sae_mean,ms_cluster_mean,ms_raw_mean");
        Assert.IsTrue(File.Exists(Path.Combine(output, "layer0", "matches.csv")));
        Directory.Delete(output, true);
    }

    [TestMethod]
    public void UserTextIsEscapedInTheReport()
    {
        // File names are user text too: one with markup characters must come out escaped.
        var odd = Directory.CreateTempSubdirectory("mlnc-odd-").FullName;
        var path = Path.Combine(odd, "a<b>&c.npy");
        File.Copy(Path.Combine(StudyFixture.DataDirectory, "layer0.npy"), path);
        var output = StudyFixture.NewOutput();
        new StudyRunner().Run(SmallConfig() with { Layers = [new StudyLayer("odd", path)] }, output);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        StringAssert.Contains(html, "a&lt;b&gt;&amp;c.npy");
        Assert.IsFalse(html.Contains("a<b>"));
        Directory.Delete(output, true);
        Directory.Delete(odd, true);
    }

    private static StudyConfig SmallConfig() => StudyFixture.DefaultConfig() with
    {
        Layers = StudyFixture.DefaultConfig().Layers.Take(1).ToList(),
        Saes = [new SaeSpec("topk", 2, 4) { Steps = 200 }],
        Clusters = [new ClusterSpec("kmeans", 8)],
        Seeds = 2,
    };
}
