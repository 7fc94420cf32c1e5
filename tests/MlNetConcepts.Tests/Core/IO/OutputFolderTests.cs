using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class OutputFolderTests
{
    [TestMethod]
    public void NothingAppearsUntilCommitThenTheFolderMovesIntoPlace()
    {
        var root = Directory.CreateTempSubdirectory("mlnc-out-").FullName;
        try
        {
            var target = Path.Combine(root, "run");
            using (var output = OutputFolder.Begin(target))
            {
                File.WriteAllText(output.File("a.txt"), "a");
                Directory.CreateDirectory(output.File("sub"));
                File.WriteAllText(output.File(Path.Combine("sub", "b.txt")), "b");
                Assert.IsFalse(Directory.Exists(target));
                output.Commit();
            }
            Assert.AreEqual("a", File.ReadAllText(Path.Combine(target, "a.txt")));
            Assert.AreEqual("b", File.ReadAllText(Path.Combine(target, "sub", "b.txt")));
            CollectionAssert.AreEquivalent(new[] { target }, Directory.GetFileSystemEntries(root));
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void AFailureLeavesNeitherTargetNorTemporaryFolder()
    {
        var root = Directory.CreateTempSubdirectory("mlnc-out-").FullName;
        try
        {
            var target = Path.Combine(root, "run");
            Assert.ThrowsExactly<InvalidOperationException>(() =>
            {
                using var output = OutputFolder.Begin(target);
                File.WriteAllText(output.File("a.txt"), "a");
                throw new InvalidOperationException("simulated failure");
            });
            Assert.AreEqual(0, Directory.GetFileSystemEntries(root).Length);
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void CommittingIntoAnExistingFolderReplacesOnlyTheWrittenEntries()
    {
        var root = Directory.CreateTempSubdirectory("mlnc-out-").FullName;
        try
        {
            var target = Path.Combine(root, "run");
            Directory.CreateDirectory(Path.Combine(target, "sub"));
            File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");
            File.WriteAllText(Path.Combine(target, "a.txt"), "old");
            File.WriteAllText(Path.Combine(target, "sub", "stale.txt"), "stale");
            using (var output = OutputFolder.Begin(target))
            {
                File.WriteAllText(output.File("a.txt"), "new");
                Directory.CreateDirectory(output.File("sub"));
                File.WriteAllText(output.File(Path.Combine("sub", "b.txt")), "b");
                output.Commit();
            }
            Assert.AreEqual("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
            Assert.AreEqual("new", File.ReadAllText(Path.Combine(target, "a.txt")));
            CollectionAssert.AreEqual(new[] { "b.txt" }, Directory.GetFiles(Path.Combine(target, "sub")).Select(Path.GetFileName).ToArray());
            Assert.AreEqual(1, Directory.GetFileSystemEntries(root).Length);
        }
        finally { Directory.Delete(root, true); }
    }
}
