using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Studies.ResNet18;

/// <summary>
/// The ResNet18's input: Fashion-MNIST grey → RGB, bilinear 28 → 224, ResNetPreprocess.onnx
/// (RGB→BGR, minus the mean image). Oracle: numpy and torch's bilinear interpolate
/// (tools/fixtures/resnet18_reference.py), on a grid of rows and columns that includes both edges.
/// </summary>
[TestClass]
public sealed class ResNet18InputTests
{
    [TestMethod]
    public void PreprocessedImagesEqualNumpys()
    {
        var models = ResNet18Fixtures.Models();
        var images = ResNet18Fixtures.FirstImages(ResNet18Fixtures.Images);
        using var input = new ResNet18Input(images, ResNet18Model.PreprocessPath(models), "t10k");
        var grid = ResNet18Fixtures.Grid;
        int g = grid.Length;
        var got = new float[ResNet18Fixtures.Images * 3 * g * g];
        for (int i = 0; i < ResNet18Fixtures.Images; i++)
        {
            var x = input.Preprocess(i);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < g; y++)
                    for (int xx = 0; xx < g; xx++)
                        got[((i * 3 + c) * g + y) * g + xx] = x[(c * 224 + grid[y]) * 224 + grid[xx]];
        }
        // Values are pixels minus a mean of about 114 (scale ~140): float32 rounding is ~1e-5 of that.
        ResNet18Fixtures.AssertRelative(ResNet18Fixtures.Expected("input_grid.npy"), got, "preprocessed input", 1e-6);
    }

    [TestMethod]
    public void UpscaleIsBilinearWithClampedEdges()
    {
        // A 2×2 grey image upscaled to 224: pixel centres at (i + ½)/112 − ½ in source units; the
        // first and last 56 rows and columns clamp to the edge pixels, the middle interpolates.
        var img = new RasterImage(2, 2, 1, [0f, 112f, 224f, 56f]);
        var chw = ResNet18Input.Upscale(img);
        Assert.AreEqual(3 * 224 * 224, chw.Length);
        float At(int c, int y, int x) => chw[(c * 224 + y) * 224 + x];
        Assert.AreEqual(0f, At(0, 0, 0));
        Assert.AreEqual(56f, At(2, 223, 223));
        Assert.AreEqual(112f, At(1, 0, 223));
        // Row 0, column 112: source x = 112.5/112 − 0.5 = 0.50446…, between 0 and 112.
        double sx = 112.5 / 112 - 0.5;
        Assert.AreEqual(112 * sx, At(0, 0, 112), 1e-4);
        Assert.AreEqual(At(0, 5, 112), At(2, 5, 112), "grey is copied to every channel");
    }

    [TestMethod]
    public void AWrongPreprocessingModelIsNamed()
    {
        // fixed.onnx takes 1×3×8×8: it cannot be ResNetPreprocess.onnx.
        var fixedModel = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Ort", "fixed.onnx");
        var images = new[] { new RasterImage(2, 2, 1, new float[4]) };
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new ResNet18Input(images, fixedModel, "two pixels"));
        StringAssert.Contains(e.Message, "fixed.onnx");
        StringAssert.Contains(e.Message, "not 1×3×224×224");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new ResNet18Input([], fixedModel, "t10k"));
        StringAssert.Contains(e.Message, "t10k: no images");
    }
}
