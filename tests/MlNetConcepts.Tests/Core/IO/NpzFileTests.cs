using System.IO.Compression;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class NpzFileTests
{
    [TestMethod]
    [DataRow("stored.npz", new[] { "weights", "ids" })]
    [DataRow("deflated.npz", new[] { "weights", "ids", "mask" })]
    public void ReadsNumpyArchivesInOrder(string file, string[] names)
    {
        var entries = NpzFile.ReadEntries(PathOf(file));
        CollectionAssert.AreEqual(names, entries.Select(e => e.Key).ToArray());
        foreach (var (name, a) in entries)
        {
            var e = Expected(file, name);
            CollectionAssert.AreEqual(Shape(e), a.Shape, name);
            CollectionAssert.AreEqual(Values(e), a.ToFloat64(), name);
        }
        Assert.AreEqual(NdType.Int64, NpzFile.Read(PathOf(file))["ids"].Type);
    }

    [TestMethod]
    public void NotAZipFile()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpzFile.Read(PathOf("f4_2d.npy")));
        StringAssert.StartsWith(e.Message, PathOf("f4_2d.npy") + ": not a valid .npz (zip) archive");
    }

    [TestMethod]
    public void CorruptMemberNamesArchiveAndMember()
    {
        using var dir = NewTempDir();
        var path = dir.File("bad.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("weights.npy", CompressionLevel.NoCompression).Open();
            s.Write(File.ReadAllBytes(PathOf("f4_2d.npy"))[..^4]);
        }
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpzFile.Read(path));
        Assert.AreEqual($"{path}[weights]: truncated data: shape (5, 3) of <f4 needs 60 bytes but only 56 follow the header.", e.Message);
    }

    [TestMethod]
    public void DamagedDeflateStream()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "deflated.npz");
        var bytes = File.ReadAllBytes(path);
        // Local header of the first member: 30 bytes + name; scramble the compressed bytes after it.
        int nameLen = BitConverter.ToUInt16(bytes, 26), extraLen = BitConverter.ToUInt16(bytes, 28);
        for (int i = 30 + nameLen + extraLen; i < 30 + nameLen + extraLen + 40; i++) bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpzFile.Read(path));
        StringAssert.StartsWith(e.Message, path);
    }
}
