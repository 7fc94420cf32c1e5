using System.IO.Compression;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class IdxFileTests
{
    [TestMethod]
    [DataRow("images-idx3-ubyte", NdType.UInt8)]
    [DataRow("images-idx3-ubyte.gz", NdType.UInt8)]
    [DataRow("labels-idx1-ubyte.gz", NdType.UInt8)]
    [DataRow("floats-idx2", NdType.Float32)]
    [DataRow("doubles-idx1", NdType.Float64)]
    [DataRow("ints-idx2", NdType.Int32)]
    [DataRow("shorts-idx1", NdType.Int32)]
    [DataRow("signed-idx1", NdType.Int32)]
    public void ReadsBigEndianIdxLikeNumpy(string file, NdType type)
    {
        var a = IdxFile.Read(PathOf(file));
        var e = Expected(file);
        Assert.AreEqual(type, a.Type);
        CollectionAssert.AreEqual(Shape(e), a.Shape);
        CollectionAssert.AreEqual(Values(e), a.ToFloat64());
    }

    private static ConceptDataException ReadDamaged(FormatFixtures.TempDir dir, Func<byte[], byte[]> damage, out string path, bool gzip = false)
    {
        path = dir.File(gzip ? "damaged.gz" : "damaged-idx");
        var bytes = damage(File.ReadAllBytes(PathOf("images-idx3-ubyte")));
        if (gzip)
        {
            using var f = File.Create(path);
            using var z = new GZipStream(f, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        var p = path;
        return Assert.ThrowsExactly<ConceptDataException>(() => IdxFile.Read(p));
    }

    [TestMethod]
    public void BadMagic()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(dir, b => { b[0] = 7; return b; }, out var path);
        Assert.AreEqual($"{path}: not an IDX file (bad magic number).", e.Message);
    }

    [TestMethod]
    public void UnknownType()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(dir, b => { b[2] = 0x0A; return b; }, out var path);
        StringAssert.StartsWith(e.Message, $"{path}: unknown IDX element type 0x0A");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TruncatedData(bool gzip)
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(dir, b => b[..^10], out var path, gzip);
        Assert.AreEqual($"{path}: truncated data: IDX shape (4, 5, 6) of uint8 needs 120 bytes but only 110 follow the header.", e.Message);
    }

    [TestMethod]
    public void TruncatedHeader()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(dir, b => b[..9], out var path);
        Assert.AreEqual($"{path}: truncated IDX header (3 dimensions declared).", e.Message);
    }

    [TestMethod]
    public void ShapeSizeMismatch()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(dir, b => [.. b, 1, 2, 3], out var path, gzip: true);
        Assert.AreEqual($"{path}: shape/size mismatch: more data follows the 120 bytes that IDX shape (4, 5, 6) of uint8 needs.", e.Message);
    }

    [TestMethod]
    public void CorruptGzip()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        for (int i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => IdxFile.Read(path));
        StringAssert.StartsWith(e.Message, path + ": ");
    }

    [TestMethod]
    public void RealFashionMnistWhenInstalled()
    {
        // Debian's dataset-fashion-mnist; the known facts: 10 000 test images of 28×28, 1 000 per class.
        const string dir = "/usr/share/datasets/fashion-mnist";
        var labelsPath = Path.Combine(dir, "t10k-labels-idx1-ubyte.gz");
        if (!File.Exists(labelsPath)) Assert.Inconclusive("dataset-fashion-mnist is not installed");
        var labels = IdxFile.Read(labelsPath);
        CollectionAssert.AreEqual(new long[] { 10000 }, labels.Shape);
        var counts = ((byte[])labels.Data).GroupBy(b => b).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(k => ((byte)k, 1000)).ToArray(), counts);
        var images = IdxFile.Read(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        CollectionAssert.AreEqual(new long[] { 10000, 28, 28 }, images.Shape);
        var pixels = (byte[])images.Data;
        Assert.AreEqual(0, pixels.Min());
        Assert.AreEqual(255, pixels.Max());
    }
}
