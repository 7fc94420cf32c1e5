using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Transforms.Images;

[TestClass]
public sealed class ImageResizeTests
{
    private static RasterImage Source()
    {
        var a = OrtFixtures.Npy("images/src.npy");
        return new RasterImage((int)a.Shape[1], (int)a.Shape[0], 3, a.ToFloat32());
    }

    [TestMethod]
    [DataRow("bilinear", 16, 11)]
    [DataRow("bilinear", 50, 40)]
    [DataRow("bilinear", 37, 9)]
    [DataRow("bilinear", 8, 30)]
    [DataRow("bicubic", 16, 11)]
    [DataRow("bicubic", 50, 40)]
    [DataRow("bicubic", 37, 9)]
    [DataRow("bicubic", 8, 30)]
    public void ResizeEqualsTorchAntialiasedInterpolate(string filter, int w, int h)
    {
        var f = filter == "bicubic" ? ResizeFilter.Bicubic : ResizeFilter.Bilinear;
        var r = ImageResize.Resize(Source(), w, h, f);
        double d = OrtFixtures.MaxAbsDiff(r.Pixels, OrtFixtures.Npy($"images/resize_{filter}_{w}x{h}.npy").ToFloat32());
        Assert.IsTrue(d < 2e-3, $"max abs diff {d} on the 0..255 scale");
    }

    [TestMethod]
    public void ClipFloatPresetEqualsTorchvisionTensorResize()
    {
        var chw = ImagePreprocessor.ClipFloat(16).ToChw(Source(), out int h, out int w);
        Assert.AreEqual(16, h);
        Assert.AreEqual(16, w);
        double d = OrtFixtures.MaxAbsDiff(chw, OrtFixtures.Npy("images/clip16.npy").ToFloat32());
        Assert.IsTrue(d < 1e-4, $"max abs diff {d}");
    }

    [TestMethod]
    public void ResizeOfAConstantImageIsConstant()
    {
        var img = new RasterImage(9, 5, 1, Enumerable.Repeat(42f, 45).ToArray());
        foreach (var f in new[] { ResizeFilter.Bilinear, ResizeFilter.Bicubic })
            foreach (var r in new[] { ImageResize.Resize(img, 4, 3, f), ImageResize.Resize(img, 20, 11, f) })
                Assert.IsTrue(r.Pixels.All(v => Math.Abs(v - 42f) < 1e-4));
    }

    [TestMethod]
    public void CenterCropRoundsHalfOffsetsToEven()
    {
        // 5 wide, crop 2: (5-2)/2 = 1.5 -> 2 (ties to even, Python's round); 4 wide, crop 1: 1.5 -> 2.
        var img = new RasterImage(5, 4, 1, Enumerable.Range(0, 20).Select(i => (float)i).ToArray());
        var c = ImageResize.CenterCrop(img, 2, 1);
        CollectionAssert.AreEqual(new[] { 12f, 13f }, c.Pixels);
        Assert.ThrowsExactly<ConceptDataException>(() => ImageResize.CenterCrop(img, 6, 1));
    }
}
