using MlNetConcepts.IO;
using MlNetConcepts.Imaging;
using MlNetConcepts.Studies.HeatMaps;

namespace MlNetConcepts.Tests.Studies.HeatMaps;

[TestClass]
public sealed class HeatGridTests
{
    private static NdArray Fixture(string name) => NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "HeatMaps", name + ".npy"));

    [TestMethod]
    [DataRow("g4_28")]
    [DataRow("g3x5_10x7")]
    [DataRow("g4_112")]
    [DataRow("g7_5")]
    public void UpsamplingEqualsTorchBilinear(string name)
    {
        var grid = Fixture(name + "_grid");
        var expected = Fixture(name + "_up");
        var heat = new HeatGrid((int)grid.Shape[0], (int)grid.Shape[1], grid.ToFloat32());
        var up = heat.Upsample((int)expected.Shape[0], (int)expected.Shape[1]);
        var e = expected.ToFloat32();
        Assert.AreEqual(e.Length, up.Length);
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - up[i]));
        Assert.IsTrue(worst < 1e-5, $"max abs difference from torch {worst}");
    }

    [TestMethod]
    public void HottestIsTheLargestCellFirstOnTies()
    {
        Assert.AreEqual((1, 2), new HeatGrid(2, 3, [0, 1, 2, 3, 4, 5]).Hottest());
        Assert.AreEqual((0, 1), new HeatGrid(2, 2, [0, 7, 7, 1]).Hottest());
    }

    [TestMethod]
    public void ViridisHitsItsPublishedTableAndInterpolatesBetween()
    {
        // Entries 0, 128 and 255 of the published 256-entry viridis table.
        AssertColour((0.267004, 0.004874, 0.329415), Viridis.Map(0));
        AssertColour((0.127568, 0.566949, 0.550556), Viridis.Map(128 / 255.0));
        AssertColour((0.993248, 0.906157, 0.143936), Viridis.Map(1));
        AssertColour((0.993248, 0.906157, 0.143936), Viridis.Map(7));
        AssertColour((0.267004, 0.004874, 0.329415), Viridis.Map(double.NaN));
        // Entry 16 of the table (0.282327, 0.094955, 0.417331) lies halfway between entries 0 and 32: linear interpolation is within 0.015.
        var (r, g, b) = Viridis.Map(16 / 255.0);
        Assert.AreEqual(0.282327, r, 0.015);
        Assert.AreEqual(0.094955, g, 0.015);
        Assert.AreEqual(0.417331, b, 0.015);
    }

    [TestMethod]
    public void BlendColoursTheHottestCellYellowOverTheImage()
    {
        var image = PixelImage.FromGray(new float[4 * 4], 4, 4);
        var png = HeatMapImage.Blend(image, new HeatGrid(2, 2, [0, 0, 0, 1]), scale: 2, alpha: 1);
        Assert.AreEqual(8, png.Width);
        Assert.AreEqual(3, png.Channels);
        var hot = png.GetRgb(7, 7);
        var cold = png.GetRgb(0, 0);
        Assert.AreEqual((byte)Math.Round(0.993248 * 255), hot.R);
        Assert.AreEqual((byte)Math.Round(0.267004 * 255), cold.R);
    }

    private static void AssertColour((double R, double G, double B) expected, (double R, double G, double B) actual)
    {
        Assert.AreEqual(expected.R, actual.R, 1e-12);
        Assert.AreEqual(expected.G, actual.G, 1e-12);
        Assert.AreEqual(expected.B, actual.B, 1e-12);
    }
}
