using MlNetConcepts.Cli;
using MlNetConcepts.Tests.Studies.Explorer;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
[DoNotParallelize] // redirects Console
public sealed class ExploreCommandTests
{
    [TestMethod]
    public void WritesThePageWhereAskedAndReportsTheLayout()
    {
        var dir = ExplorerTestStudy.Create();
        var page = Path.Combine(dir, "elsewhere.html");
        var (code, output, err) = Run("explore", "--study", dir, "--out", page);
        Assert.AreEqual(0, code, err);
        Assert.IsTrue(File.Exists(page));
        Assert.IsFalse(File.Exists(Path.Combine(dir, "explorer.html")), "--out wins over the default");
        StringAssert.Contains(output, "blk · sae: 60 concepts, trustworthiness T(5) ");
        Assert.AreEqual(0, Run("explore", "--study", dir).Code);
        Assert.IsTrue(File.Exists(Path.Combine(dir, "explorer.html")), "default: DIR/explorer.html");
        Directory.Delete(dir, true);
    }

    [TestMethod]
    public void AFolderThatIsNoStudyIsBadInputAndLeavesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-explore-none-").FullName;
        var (code, _, err) = Run("explore", "--study", dir);
        Assert.AreEqual(CliAction.BadInput, code);
        StringAssert.Contains(err, "is this a study output folder");
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir));
        Directory.Delete(dir);
    }
}
