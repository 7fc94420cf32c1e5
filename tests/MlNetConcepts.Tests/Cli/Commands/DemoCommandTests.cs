using MlNetConcepts.Cli;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

/// <summary>
/// <c>mlnc demo</c>'s choice of quickstart and image count: contradictory or invalid flags are
/// rejected with one line naming them, before anything is extracted or written. (The quickstarts
/// themselves run in StudyCommandTests and Studies/ResNet18/ResNet18QuickstartTests.)
/// </summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class DemoCommandTests
{
    [TestMethod]
    public void ContradictoryOrInvalidFlagsAreNamed()
    {
        var output = Path.Combine(Path.GetTempPath(), "mlnc-demo-never-" + Guid.NewGuid().ToString("N"));
        (string[] Args, string Message)[] cases =
        [
            (["--model", "resnet18", "--images", "50", "--all"], "--images and --all"),
            (["--model", "resnet18", "--synthetic"], "--synthetic and --model resnet18"),
            (["--model", "resnet18", "--images", "0"], "--images must be positive"),
            (["--model", "resnet18", "--images", "10001"], "10001 is not between 1 and the 10000 test images"),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, _, err) = Run(["demo", .. args, "--out", output]);
            if (err.Contains("not found", StringComparison.Ordinal) && !err.Contains(message, StringComparison.Ordinal)) Assert.Inconclusive(err);
            Assert.AreEqual(CliAction.BadInput, code, err);
            StringAssert.Contains(err, message);
            Assert.AreEqual(1, err.TrimEnd().Split('\n').Length, err);
            Assert.IsFalse(Directory.Exists(output), $"{string.Join(' ', args)} left {output} behind");
        }
        var (badCode, _, badErr) = Run("demo", "--model", "vgg16", "--out", output);
        Assert.AreNotEqual(CliAction.Success, badCode);
        StringAssert.Contains(badErr, "vgg16");
    }
}
