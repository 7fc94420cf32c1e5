using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Transforms.Images;

/// <summary>
/// ML.NET's ImageAnalytics (built against SkiaSharp 2.88) runs in the same process as the
/// project's SkiaSharp decoding: one SkiaSharp version serves both.
/// </summary>
[TestClass]
public sealed class ImageAnalyticsInteropTests
{
    private sealed class Row
    {
        public string Path { get; set; } = "";
    }

    [TestMethod]
    public void LoadResizeExtractRunsBesideOurDecoderAndEqualsPil()
    {
        string dir = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Images", "decode");
        string file = System.IO.Path.Combine(dir, "png_RGB.png");
        var ours = ImageFile.Read(file); // loads SkiaSharp through the project first
        int w = ours.Width, h = ours.Height;

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Path = file } });
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(Row.Path))
            .Append(ml.Transforms.ResizeImages("Image", w, h, "Image"))   // same size: no resampling
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", interleavePixelColors: true));
        var pixels = pipeline.Fit(data).Transform(data).GetColumn<VBuffer<float>>("Pixels").Single().DenseValues().ToArray();

        var pil = NpyFile.Read(System.IO.Path.Combine(dir, "png_RGB.npy")).ToFloat32();
        Assert.AreEqual(pil.Length, pixels.Length);
        CollectionAssert.AreEqual(pil, pixels, "ImageAnalytics' pixels equal PIL's");
        CollectionAssert.AreEqual(ours.Pixels, pixels, "and ours");
    }
}
