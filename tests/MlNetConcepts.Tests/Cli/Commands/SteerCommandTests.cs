using System.Text.Json;
using MlNetConcepts.Tests.Studies.Steering;
using MlNetConcepts.Tests.Transforms.Steering;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
[DoNotParallelize]
public sealed class SteerCommandTests
{
    [TestMethod]
    public void SteerWritesTheReportAndPrintsJson()
    {
        var dataset = SteeringStudyTests.Dataset();
        var dir = Path.Combine(Path.GetTempPath(), $"mlnc-steer-cli-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = InProcessCli.Run("steer", "--sae", SteeringFixtures.Path("sae"), "--dataset", dataset,
                "--images", "600", "--concepts", "3", "--strengths", "1,2", "--out", dir, "--json", "--threads", "1");
            Assert.AreEqual(0, code, stderr);
            StringAssert.Contains(stderr, "[steer]");
            using var doc = JsonDocument.Parse(stdout);
            Assert.AreEqual("block3", doc.RootElement.GetProperty("tensor").GetString());
            var rows = doc.RootElement.GetProperty("summary");
            Assert.AreEqual(3, rows.GetArrayLength());
            Assert.AreEqual(JsonValueKind.Number, rows[0].GetProperty("sae_margin_real").ValueKind);
            Assert.IsTrue(File.Exists(Path.Combine(dir, "steer_report.html")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BadInputExitsWithCode2NamingTheFlag()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mlnc-steer-cli-{Guid.NewGuid():N}");
        var (code, _, err) = InProcessCli.Run("steer", "--sae", SteeringFixtures.Path("sae"), "--strengths", "1,x", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--strengths");
        (code, _, err) = InProcessCli.Run("steer", "--sae", SteeringFixtures.Path("sae"), "--dataset", SteeringStudyTests.Dataset(), "--report-strength", "3", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--report-strength");
        (code, _, err) = InProcessCli.Run("steer", "--sae", SteeringFixtures.Path("sae"), "--dataset", SteeringStudyTests.Dataset(), "--tensor", "blok3", "--images", "50", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "'blok3' is not in the graph");
        Assert.IsFalse(Directory.Exists(dir), "nothing is left behind on failure");
    }
}
