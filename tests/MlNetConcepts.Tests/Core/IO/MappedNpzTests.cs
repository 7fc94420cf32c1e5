using System.Buffers.Binary;
using System.IO.Compression;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class MappedNpzTests
{
    // numpy's savez (stored, with zip64 local headers) and savez_compressed (deflated): every array as numpy wrote
    // it (the fixture's JSON) and as the plain reader reads it.
    [TestMethod]
    [DataRow("stored.npz")]
    [DataRow("deflated.npz")]
    public void ArraysEqualNumpysValuesAndThePlainReader(string file)
    {
        var plain = NpzFile.Read(PathOf(file));
        using var mapped = MappedNpz.Open(PathOf(file), _ => true);
        CollectionAssert.AreEquivalent(plain.Keys.ToArray(), mapped.Names.ToArray());
        foreach (var (name, expected) in plain)
        {
            var a = mapped.Read(name);
            Assert.AreEqual(expected.Type, a.Type, name);
            CollectionAssert.AreEqual(expected.Shape, a.Shape, name);
            CollectionAssert.AreEqual(Values(Expected(file, name)), a.ToFloat64(), name);
        }
    }

    [TestMethod]
    public void StoredMembersOfTheirTypeAreReadInPlace()
    {
        using var stored = MappedNpz.Open(PathOf("stored.npz"), _ => true);
        var weights = stored.InPlace<float>("weights", NdType.Float32);
        Assert.IsNotNull(weights);
        CollectionAssert.AreEqual(Values(Expected("stored.npz", "weights")), weights.Value.ToArray().Select(v => (double)v).ToArray());
        Assert.IsNull(stored.InPlace<int>("ids", NdType.Int32), "int64 ids are not int32: the caller converts a copy");
        using var deflated = MappedNpz.Open(PathOf("deflated.npz"), _ => true);
        Assert.IsNull(deflated.InPlace<float>("weights", NdType.Float32), "deflated members are copies");
    }

    [TestMethod]
    public void IncludeSkipsMembers()
    {
        using var mapped = MappedNpz.Open(PathOf("stored.npz"), name => name == "ids");
        CollectionAssert.AreEqual(new[] { "ids" }, mapped.Names.ToArray());
        Assert.IsFalse(mapped.Contains("weights"));
    }

    [TestMethod]
    public void DamagedStoredBytesFailTheCrcNamingArchiveAndMember()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "stored.npz");
        var bytes = File.ReadAllBytes(path);
        int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(26)), extraLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        bytes[30 + nameLen + extraLen + 150] ^= 0x40; // inside the first member's data (after its 128-byte .npy header)
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MappedNpz.Open(path, _ => true));
        StringAssert.StartsWith(e.Message, $"{path}[weights]: corrupt archive member (CRC-32 ");
        // The plain reader does not check a stored member's CRC: it reads the damaged value.
        Assert.AreNotEqual(Values(Expected("stored.npz", "weights"))[5], NpzFile.Read(path)["weights"].ToFloat64()[5]);
    }

    [TestMethod]
    public void TruncatedArchiveNamesTheFile()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "stored.npz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..200]);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MappedNpz.Open(path, _ => true));
        StringAssert.StartsWith(e.Message, $"{path}: not a valid .npz (zip) archive (no end-of-central-directory record)");
    }

    [TestMethod]
    public void MemberRunningPastTheEndIsNamed()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "stored.npz");
        var bytes = File.ReadAllBytes(path);
        // The first central directory header: make the member claim more bytes than the archive holds.
        int central = IndexOf(bytes, [0x50, 0x4b, 0x01, 0x02]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 20), 1_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 24), 1_000_000);
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MappedNpz.Open(path, _ => true));
        StringAssert.StartsWith(e.Message, $"{path}[weights]: member of 1000000 bytes");
        StringAssert.Contains(e.Message, "runs past the end of the archive");
    }

    [TestMethod]
    public void MemberWhoseNpyHeaderDisagreesWithItsLengthIsNamed()
    {
        using var dir = NewTempDir();
        var path = dir.File("short.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("weights.npy", CompressionLevel.NoCompression).Open();
            s.Write(File.ReadAllBytes(PathOf("f4_2d.npy"))[..^4]);
        }
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MappedNpz.Open(path, _ => true));
        Assert.AreEqual($"{path}[weights]: truncated data: shape (5, 3) of <f4 needs 60 bytes but only 56 follow the header.", e.Message);
    }

    [TestMethod]
    public void NotAZipFile()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MappedNpz.Open(PathOf("f4_2d.npy"), _ => true));
        StringAssert.StartsWith(e.Message, PathOf("f4_2d.npy") + ": not a valid .npz (zip) archive");
    }

    private static int IndexOf(byte[] bytes, byte[] pattern)
    {
        for (int i = 0; i + pattern.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, pattern.Length).SequenceEqual(pattern)) return i;
        throw new InvalidOperationException("pattern not found");
    }
}
