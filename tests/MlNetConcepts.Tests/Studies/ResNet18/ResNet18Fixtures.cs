using MlNetConcepts.IO;
using MlNetConcepts.Studies.Quickstart;
using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Transforms.Images;

namespace MlNetConcepts.Tests.Studies.ResNet18;

/// <summary>
/// The prerequisites of the ResNet18 tests (the package's model files beside the tests, Debian's
/// Fashion-MNIST) and the oracle written by tools/fixtures/resnet18_reference.py (torch rebuilding
/// the network from the ONNX initializers, numpy doing the preprocessing).
/// </summary>
internal static class ResNet18Fixtures
{
    /// <summary>Images in the torch fixture.</summary>
    public const int Images = 4;

    /// <summary>Rows and columns of the preprocessed input kept by the fixture: every 7th, and the last.</summary>
    public static readonly int[] Grid = [.. Enumerable.Range(0, 32).Select(i => 7 * i), 223];

    public static string Models()
    {
        try { return ResNet18Model.FindFolder(); }
        catch (ConceptDataException e) { Assert.Inconclusive(e.Message); throw; }
    }

    public static string Dataset()
    {
        try { return FashionQuickstart.FindDataset(); }
        catch (ConceptDataException e) { Assert.Inconclusive(e.Message); throw; }
    }

    public static IReadOnlyList<RasterImage> FirstImages(int n) => IdxImages.ReadImages(Path.Combine(Dataset(), "t10k-images-idx3-ubyte.gz"), n);

    public static float[] Expected(string name) => NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Ort", "resnet18", name)).ToFloat32();

    /// <summary>max |got − want| / max |want|, printed; fails above 1e-4 or on a near-zero reference.</summary>
    public static double AssertRelative(float[] want, float[] got, string what, double tolerance = 1e-4)
    {
        Assert.AreEqual(want.Length, got.Length, $"{what}: lengths");
        double scale = want.Max(v => Math.Abs((double)v)), diff = 0;
        for (int i = 0; i < want.Length; i++) diff = Math.Max(diff, Math.Abs((double)got[i] - want[i]));
        double rel = diff / scale;
        Console.WriteLine($"{what}: max |C# − reference| / max |reference| = {rel:E2} (scale {scale:F3})");
        Assert.IsTrue(scale > 0.1, $"{what}: reference is near zero ({scale})");
        Assert.IsTrue(rel < tolerance, $"{what}: relative error {rel:E2}");
        return rel;
    }
}
