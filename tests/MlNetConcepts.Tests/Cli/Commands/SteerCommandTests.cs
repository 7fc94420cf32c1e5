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
    public void WithoutSaeItTrainsOneOnTheTensorAndWritesIt()
    {
        var dataset = SteeringStudyTests.Dataset();
        var dir = Path.Combine(Path.GetTempPath(), $"mlnc-steer-cli-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = InProcessCli.Run("steer", "--dataset", dataset, "--train-images", "300", "--sae-steps", "40",
                "--images", "300", "--concepts", "2", "--min-support", "5", "--strengths", "2", "--out", dir, "--json", "--threads", "1");
            Assert.AreEqual(0, code, stderr);
            StringAssert.Contains(stderr, "training a TopK SAE");
            StringAssert.Contains(stderr, "SAE step 40/40");
            using var doc = JsonDocument.Parse(stdout);
            var saeDir = doc.RootElement.GetProperty("sae").GetString()!;
            Assert.AreEqual(Path.Combine(dir, "sae"), saeDir);
            var sae = MlNetConcepts.Trainers.Sae.SaeLensFormat.Import(saeDir);
            Assert.AreEqual(64, sae.Inputs, "trained on block 3's 64-wide tokens");
            Assert.AreEqual(256, sae.Latents);
            Assert.AreEqual(2, doc.RootElement.GetProperty("summary").GetArrayLength());
            StringAssert.Contains(File.ReadAllText(Path.Combine(dir, "steer_report.html")), "trained by this run");
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
        (code, _, err) = InProcessCli.Run("steer", "--dataset", SteeringStudyTests.Dataset(), "--sae-steps", "0", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "--sae-steps");
        (code, _, err) = InProcessCli.Run("steer", "--sae", SteeringFixtures.Path("sae"), "--dataset", SteeringStudyTests.Dataset(), "--tensor", "blok3", "--images", "50", "--out", dir);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "'blok3' is not in the graph");
        Assert.IsFalse(Directory.Exists(dir), "nothing is left behind on failure");
    }
}
