using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class AtomicWriteTests
{
    [TestMethod]
    public void AWriteThatFailsHalfwayLeavesNeitherTargetNorTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-atomic-").FullName;
        try
        {
            var path = Path.Combine(dir, "out.npy");
            Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, s =>
            {
                s.Write(new byte[4096]);
                throw new IOException("disk full (simulated)");
            }));
            Assert.AreEqual(0, Directory.GetFileSystemEntries(dir).Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AFailedRewriteKeepsThePreviousFile()
    {
        var dir = Directory.CreateTempSubdirectory("mlnc-atomic-").FullName;
        try
        {
            var path = Path.Combine(dir, "out.txt");
            AtomicFile.WriteText(path, "old");
            Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new IOException("boom"); }));
            Assert.AreEqual("old", File.ReadAllText(path));
            Assert.AreEqual(1, Directory.GetFileSystemEntries(dir).Length);
        }
        finally { Directory.Delete(dir, true); }
    }
}
