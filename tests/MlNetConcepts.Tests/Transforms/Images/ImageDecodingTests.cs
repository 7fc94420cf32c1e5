using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Transforms.Images;

/// <summary>
/// Decoding through SkiaSharp against PIL's decode of the same files (Debian python3-pil 9.4,
/// fixtures by tools/fixtures/image_decoding.py): <c>Image.open(f).convert("RGB")</c> as uint8.
/// </summary>
[TestClass]
public sealed class ImageDecodingTests
{
    private static string P(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Images", "decode", name);

    private static float[] Oracle(string name) => NpyFile.Read(P(name + ".npy")).ToFloat32();

    public TestContext TestContext { get; set; } = null!;

    // Every kind, lossy ones too, matched PIL byte for byte when measured (Skia's bundled
    // libjpeg-turbo and libwebp against Debian's: same IDCT, upsampling and YUV conversion), so
    // the tolerance is 0; a JPEG decoder with other IDCT rounding would differ by 1–2 levels.
    [TestMethod]
    [DataRow("png_RGB.png", 3, 0)]
    [DataRow("png_RGBA.png", 3, 0)]
    [DataRow("png_P.png", 3, 0)]
    [DataRow("png_P_trns.png", 3, 0)]
    [DataRow("png_L.png", 1, 0)]
    [DataRow("png_LA.png", 3, 0)]
    [DataRow("png_1.png", 1, 0)]
    [DataRow("png_RGB16.png", 3, 0)]
    [DataRow("jpeg_420.jpg", 3, 0)]
    [DataRow("jpeg_444.jpg", 3, 0)]
    [DataRow("jpeg_progressive.jpg", 3, 0)]
    [DataRow("jpeg_grey.jpg", 1, 0)]
    [DataRow("jpeg_cmyk.jpg", 3, 0)]
    [DataRow("webp_lossless.webp", 3, 0)]
    [DataRow("webp_lossy.webp", 3, 0)]
    [DataRow("gif.gif", 3, 0)]
    [DataRow("gif_animated.gif", 3, 0)]
    [DataRow("bmp.bmp", 3, 0)]
    [DataRow("bmp_P.bmp", 3, 0)]
    public void DecodedPixelsEqualPil(string file, int channels, int tolerance)
    {
        var img = ImageFile.Read(P(file));
        var want = NpyFile.Read(P(Path.GetFileNameWithoutExtension(file) + ".npy"));
        Assert.AreEqual((int)want.Shape[0], img.Height);
        Assert.AreEqual((int)want.Shape[1], img.Width);
        Assert.AreEqual(channels, img.Channels, "grey sources stay one channel");
        var got = img.WithChannels(3).Pixels;
        var w = want.ToFloat32();
        int differing = 0;
        double max = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double d = Math.Abs(got[i] - w[i]);
            if (d > 0) differing++;
            max = Math.Max(max, d);
        }
        TestContext.WriteLine($"{file}: max |Skia − PIL| = {max}, {differing} of {w.Length} samples differ");
        Assert.IsTrue(max <= tolerance, $"{file}: max difference {max} > {tolerance} ({differing} samples differ)");
    }

    [TestMethod]
    public void GreyIsRepeatedIntoRgbAsPilConvertDoes()
    {
        // PIL's convert("RGB") of an L image repeats L in R, G and B: the oracle has three equal planes.
        var want = Oracle("jpeg_grey");
        var got = ImageFile.Read(P("jpeg_grey.jpg")).WithChannels(3).Pixels;
        for (int i = 0; i < want.Length; i += 3) Assert.IsTrue(want[i] == want[i + 1] && want[i] == want[i + 2]);
        CollectionAssert.AreEqual(want, got);
    }

    [TestMethod]
    public void GifTransparentPixelsAreBlackElsewherePil()
    {
        // PIL shows the palette colour under a transparent index; Skia leaves those pixels
        // transparent (black once alpha is dropped). Opaque pixels must be PIL's exactly.
        var img = ImageFile.Read(P("gif_trns.gif"));
        var want = Oracle("gif_trns");
        var mask = NpyFile.Read(P("gif_trns_mask.npy")).ToFloat32();
        Assert.IsTrue(mask.Any(m => m != 0) && mask.Any(m => m == 0), "the fixture has transparent and opaque pixels");
        for (int i = 0; i < mask.Length; i++)
            for (int c = 0; c < 3; c++)
                Assert.AreEqual(mask[i] != 0 ? 0f : want[3 * i + c], img.Pixels[3 * i + c], $"pixel {i} channel {c}");
    }

    [TestMethod]
    public void SixteenBitGreyBecomesItsHighByte()
    {
        // Oracle: the high byte of PIL's raw 16-bit samples, as PIL reads 16-bit RGB (png_RGB16);
        // PIL's own convert("RGB") of 16-bit grey clips every sample above 255 to white.
        var img = ImageFile.Read(P("png_I16.png"));
        Assert.AreEqual(1, img.Channels);
        CollectionAssert.AreEqual(Oracle("png_I16"), img.Pixels);
    }

    [TestMethod]
    [DataRow("jpeg_420.jpg")]
    [DataRow("jpeg_progressive.jpg")]
    [DataRow("png_RGB.png")]
    [DataRow("webp_lossy.webp")]
    [DataRow("gif.gif")]
    public void TruncatedFileNamesTheFile(string file)
    {
        var bytes = File.ReadAllBytes(P(file));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(bytes[..(bytes.Length / 2)], "cut/" + file));
        StringAssert.StartsWith(e.Message, "cut/" + file + ": ");
        StringAssert.Contains(e.Message, "truncated");
    }

    [TestMethod]
    public void CorruptPngNamesTheFile()
    {
        var bytes = File.ReadAllBytes(P("png_RGB.png"));
        bytes[60] ^= 0x55; // inside IDAT: the chunk's CRC no longer matches
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode(bytes, "broken.png"));
        StringAssert.StartsWith(e.Message, "broken.png: corrupt");
    }

    [TestMethod]
    public void UnsupportedOrEmptyInputNamesTheFile()
    {
        StringAssert.StartsWith(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode("P5\n2 1\n255\nab"u8.ToArray(), "x.pgm")).Message, "x.pgm: unsupported");
        StringAssert.StartsWith(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode("hello, world"u8.ToArray(), "x.txt")).Message, "x.txt: unsupported");
        StringAssert.StartsWith(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Decode([], "empty.png")).Message, "empty.png: empty");
        StringAssert.StartsWith(Assert.ThrowsExactly<ConceptDataException>(() => ImageFile.Read(P("missing.png"))).Message, P("missing.png") + ": file not found");
    }

    [TestMethod]
    public void FolderListingTakesEveryDecodableKind()
    {
        var names = ImageFile.ListFolder(Path.GetDirectoryName(P("x"))!).Select(Path.GetFileName).ToList();
        foreach (var f in new[] { "bmp.bmp", "gif.gif", "jpeg_420.jpg", "png_RGB.png", "webp_lossy.webp" }) CollectionAssert.Contains(names, f);
        CollectionAssert.DoesNotContain(names, "bmp.npy");
    }
}
