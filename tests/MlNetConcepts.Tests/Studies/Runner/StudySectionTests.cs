using MlNetConcepts.Studies.Report;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.Runner;

[TestClass]
public sealed class StudySectionTests
{
    private sealed class Probe : IStudySection
    {
        public int Rows, Latents;
        public bool UnknownIsNull;

        public void Write(StudySectionContext context, HtmlReport report)
        {
            var (sae, codes) = context.FirstSae("layer0") ?? throw new AssertFailedException("layer0 has an SAE");
            Latents = sae.Latents;
            Rows = codes.Length / sae.Latents;
            UnknownIsNull = context.FirstSae("no such layer") is null;
            File.WriteAllText(Path.Combine(context.OutputFolder, "probe.txt"), "probe");
            report.Paragraph("probe section <here>");
        }
    }

    [TestMethod]
    public void SectionsSeeTheFirstSaeAndWriteIntoTheReportAndTheOutputFolder()
    {
        var config = StudyFixture.DefaultConfig() with
        {
            Layers = StudyFixture.DefaultConfig().Layers.Take(1).ToList(),
            Saes = [new SaeSpec("topk", 2, 4) { Steps = 200 }],
            Clusters = [new ClusterSpec("kmeans", 8)],
            Seeds = 1,
        };
        var output = StudyFixture.NewOutput();
        var probe = new Probe();
        var result = new StudyRunner { Sections = [probe] }.Run(config, output);
        Assert.AreEqual(result.Layers[0].Rows, probe.Rows);
        Assert.AreEqual(result.Layers[0].Saes[0].Latents, probe.Latents);
        Assert.IsTrue(probe.UnknownIsNull);
        Assert.IsTrue(File.Exists(Path.Combine(output, "probe.txt")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "report.html")), "probe section &lt;here&gt;");
        Directory.Delete(output, true);
    }
}
