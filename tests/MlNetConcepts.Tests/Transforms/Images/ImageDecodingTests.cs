using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Transforms.Images;

[TestClass]
public sealed class ImageDecodingTests
{
    private static string P(string name) => OrtFixtures.Path("images/" + name);

    [TestMethod]
    [DataRow("L", 1)]
    [DataRow("RGB", 3)]
    [DataRow("RGBA", 3)]
    [DataRow("LA", 1)]
    [DataRow("P", 3)]
    [DataRow("1", 1)]
    public void PngEqualsPil(string mode, int channels)
    {
        var img = ImageFile.Read(P($"png_{mode}.png"));
        var want = OrtFixtures.Npy($"images/png_{mode}.npy");
        Assert.AreEqual(channels, img.Channels);
        Assert.AreEqual((int)want.Shape[0], img.Height);
        Assert.AreEqual((int)want.Shape[1], img.Width);
        CollectionAssert.AreEqual(want.ToFloat32(), img.Pixels);
    }

    [TestMethod]
    public void Png16BitGreyKeepsPrecision()
    {
        var img = ImageFile.Read(P("png_I16.png"));
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(img.Pixels, OrtFixtures.Npy("images/png_I16.npy").ToFloat32()) < 1e-4);
    }

    [TestMethod]
    [DataRow("jpeg_rgb", 3)]
    [DataRow("jpeg_gray", 1)]
    public void JpegMatchesPilWithinOneLevel(string name, int channels)
    {
        var img = ImageFile.Read(P(name + ".jpg"));
        Assert.AreEqual(channels, img.Channels);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(img.Pixels, OrtFixtures.Npy($"images/{name}.npy").ToFloat32()) <= 1.0);
    }

    [TestMethod]
    [DataRow("pgm.pgm", "pgm.npy", 1)]
    [DataRow("ppm.ppm", "ppm.npy", 3)]
    public void NetpbmEqualsPil(string file, string npy, int channels)
    {
        var img = ImageFile.Read(P(file));
        Assert.AreEqual(channels, img.Channels);
        CollectionAssert.AreEqual(OrtFixtures.Npy("images/" + npy).ToFloat32(), img.Pixels);
    }

    [TestMethod]
    public void AsciiPgmIsRead()
    {
        var img = PnmDecoder.Decode("P2\n# c\n2 1\n4\n0 4\n"u8.ToArray(), "a.pgm");
        CollectionAssert.AreEqual(new[] { 0f, 255f }, img.Pixels);
    }

    [TestMethod]
    public void CorruptPngNamesTheFile()
    {
        var bytes = File.ReadAllBytes(P("png_RGB.png"));
        bytes[40] ^= 0x55; // inside IDAT: CRC no longer matches
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(bytes, "broken.png"));
        StringAssert.Contains(e.Message, "broken.png");
        StringAssert.Contains(e.Message, "CRC mismatch");
        var cut = File.ReadAllBytes(P("png_RGB.png"))[..60];
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(cut, "cut.png")).Message, "cut.png: truncated");
    }

    [TestMethod]
    public void InterlacedPngIsRejectedClearly()
    {
        var bytes = File.ReadAllBytes(P("png_L.png"));
        // IHDR body starts at byte 16; interlace is its 13th byte. Fix the CRC so only interlacing is wrong.
        bytes[16 + 12] = 1;
        var crc = Crc(bytes.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(bytes, "i.png")).Message, "interlaced");
    }

    private static uint Crc(ReadOnlySpan<byte> d)
    {
        // Independent bitwise CRC-32 (no table) as the check.
        uint c = 0xFFFFFFFF;
        foreach (var b in d)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
        }
        return ~c;
    }

    [TestMethod]
    public void CorruptAndTruncatedJpegNameTheFile()
    {
        var bytes = File.ReadAllBytes(P("jpeg_rgb.jpg"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(bytes[..(bytes.Length / 3)], "cut.jpg"));
        StringAssert.Contains(e.Message, "cut.jpg");
        var junk = new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02, 0x03 };
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(junk, "junk.jpg")).Message, "junk.jpg: corrupt");
    }

    [TestMethod]
    public void UnknownFormatNamesTheFile()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode("GIF89a..."u8.ToArray(), "x.gif")).Message, "x.gif: unsupported");
    }
}
