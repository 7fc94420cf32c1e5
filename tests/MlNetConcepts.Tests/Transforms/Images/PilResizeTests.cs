using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Transforms.Images;

/// <summary>The PIL-exact path against PIL itself on crops of real photographs (tools/fixtures/pil_resize.py).</summary>
[TestClass]
public sealed class PilResizeTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Images", "pil");
    private static readonly Lazy<IReadOnlyDictionary<string, NdArray>> Expected = new(() => NpzFile.Read(Path.Combine(Dir, "expected.npz")));
    private static RasterImage Photo(string name) => ImageFile.Read(Path.Combine(Dir, name + ".png"));

    [TestMethod]
    public void ResizeEqualsPilByteForByteOnRealPhotos()
    {
        int cases = 0;
        foreach (var (key, array) in Expected.Value.Where(e => !e.Key.Contains("_clip")))
        {
            var parts = key.Split('_');   // <photo>_<filter>_<w>x<h>
            var size = parts[2].Split('x').Select(int.Parse).ToArray();
            var filter = parts[1] == "bicubic" ? ResizeFilter.PilBicubic : ResizeFilter.PilBilinear;
            var got = ImageResize.Resize(Photo(parts[0]), size[0], size[1], filter);
            var want = (byte[])array.Data;
            CollectionAssert.AreEqual(new long[] { size[1], size[0], 3 }, array.Shape, key);
            int differing = 0; double max = 0;
            for (int i = 0; i < want.Length; i++)
            {
                double d = Math.Abs(got.Pixels[i] - want[i]);
                if (d != 0) differing++;
                max = Math.Max(max, d);
            }
            Assert.AreEqual(0, differing, $"{key}: {differing} of {want.Length} bytes differ from PIL (max {max})");
            cases++;
        }
        Assert.AreEqual(17, cases, "3 photos × 5 sizes + 2 more sizes on one photo");
    }

    [TestMethod]
    public void ClipPresetEqualsOpenAiClipTransform()
    {
        foreach (var name in new[] { "chelsea", "coffee", "astronaut" })
        {
            var want = Expected.Value[$"{name}_clip48"];
            var chw = ImagePreprocessor.Clip(48).ToChw(Photo(name), out int h, out int w);
            Assert.AreEqual(48, h);
            Assert.AreEqual(48, w);
            var expected = want.ToFloat32();
            double max = 0;
            for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(chw[i] - expected[i]));
            Assert.IsTrue(max <= 1e-6, $"{name}: max abs diff {max} against CLIP's transform");
        }
    }

    [TestMethod]
    public void FixedPointWeightsSumToOneAndPassesAreSkippedWhenSizesMatch()
    {
        // Normalised weights rounded to 22 bits: each row sums to 2^22 within one unit per tap.
        foreach (var (inSize, outSize) in new[] { (160, 53), (120, 181), (7, 7), (300, 29) })
        {
            var (_, weights) = PilResize.Coefficients(inSize, outSize, bicubic: true);
            foreach (var w in weights) Assert.IsTrue(Math.Abs(w.Sum() - (1 << 22)) <= w.Length, $"{inSize}->{outSize}");
        }
        var img = new RasterImage(3, 2, 1, [0f, 255f, 17.4f, 99.6f, 3f, 250f]);
        CollectionAssert.AreEqual(new[] { 0f, 255f, 17f, 100f, 3f, 250f }, ImageResize.Resize(img, 3, 2, ResizeFilter.PilBicubic).Pixels);
    }
}
