using MlNetConcepts.Studies.HeatMaps;
using MlNetConcepts.Studies.ResNet18;
using MlNetConcepts.Tests.Studies.ResNet18;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Studies.HeatMaps;

/// <summary>
/// Heat maps from the spatial positions of a convolution stage ([1, C, h, w], SkipTokens = 0) on the
/// pretrained ResNet18: the same planted squares as <see cref="PlantedSquareTests"/> (28×28 faint
/// noise with a bright 7×7 square inside a random quadrant), upscaled to 224×224 by the network's
/// own input path. Stage 3 is a 14×14 grid, so each cell is 2×2 pixels of the 28×28 image. The
/// concept is a direction in stage 3's position space, learnt from 200 training images (positions
/// inside the square minus positions away from it); on 40 fresh images the hottest cell must lie in
/// the square's quadrant for at least 38 (measured: 40/40, and on the square itself 40/40). Reading
/// the positions transposed misses the quadrant for every square off the diagonal (about half), and a
/// grid insensitive to the square hits it about 1 time in 4.
/// </summary>
[TestClass]
public sealed class ResNet18PlantedSquareTests
{
    private const int Grid = 14, Cell = 2, Square = 7;

    [TestMethod]
    public void StagePositionHeatMapsPeakInThePlantedQuadrant()
    {
        var models = ResNet18Fixtures.Models();
        var maps = new PatchHeatMaps
        {
            ModelPath = ResNet18Model.NetworkPath(models),
            Tensor = ResNet18Model.Stages[2].Tensor,
            Input = images => new ResNet18Input(images, ResNet18Model.PreprocessPath(models), "planted squares"),
            SkipTokens = 0,
            Session = new OnnxSessionOptions(),
        };
        var (train, _, origins) = PlantedSquareTests.Planted(200, 11);
        float[] tokens = [];
        maps.Compute(train, (rows, count) => { tokens = rows; return new float[count]; });
        int cells = Grid * Grid;
        int width = tokens.Length / (train.Length * cells);
        Assert.AreEqual(ResNet18Model.Stages[2].Channels, width, "one row of C channels per position");
        var on = new double[width];
        var off = new double[width];
        int nOn = 0, nOff = 0;
        for (int i = 0; i < train.Length; i++)
            for (int cell = 0; cell < cells; cell++)
            {
                int overlap = Overlap(origins[i], cell / Grid, cell % Grid);
                // Cells fully inside the square against cells at least one cell away from it.
                if (overlap == Cell * Cell) { nOn++; Add(on, i * cells + cell); }
                else if (Distance(origins[i], cell / Grid, cell % Grid) >= 1) { nOff++; Add(off, i * cells + cell); }
            }
        void Add(double[] target, int row) { for (int d = 0; d < width; d++) target[d] += tokens[(long)row * width + d]; }
        var direction = Enumerable.Range(0, width).Select(d => (float)(on[d] / nOn - off[d] / nOff)).ToArray();

        var (test, quadrant, testOrigins) = PlantedSquareTests.Planted(40, 12);
        var grids = maps.Compute(test, ConceptActivations.Direction(direction));
        Assert.IsTrue(grids.All(g => g.Rows == Grid && g.Cols == Grid));
        int hits = Enumerable.Range(0, test.Length).Count(i => grids[i].Hottest() is var (r, c) && r / (Grid / 2) == quadrant[i] / 2 && c / (Grid / 2) == quadrant[i] % 2);
        int onSquare = Enumerable.Range(0, test.Length).Count(i => grids[i].Hottest() is var (r, c) && Overlap(testOrigins[i], r, c) > 0);
        Console.WriteLine($"ResNet18 stage 3 positions: hottest cell in the planted quadrant {hits}/40, on the square {onSquare}/40");
        Assert.IsTrue(hits >= 38, $"hottest cell in the planted quadrant for {hits}/40 images");
    }

    /// <summary>Pixels of the 7×7 square inside grid cell (row, col) of 2×2 pixels.</summary>
    private static int Overlap((int Y, int X) origin, int row, int col)
    {
        int oy = Math.Max(0, Math.Min(origin.Y + Square, row * Cell + Cell) - Math.Max(origin.Y, row * Cell));
        int ox = Math.Max(0, Math.Min(origin.X + Square, col * Cell + Cell) - Math.Max(origin.X, col * Cell));
        return oy * ox;
    }

    /// <summary>Chebyshev distance in cells between cell (row, col) and the cells the square touches (0 when it touches).</summary>
    private static int Distance((int Y, int X) origin, int row, int col)
    {
        int r0 = origin.Y / Cell, r1 = (origin.Y + Square - 1) / Cell, c0 = origin.X / Cell, c1 = (origin.X + Square - 1) / Cell;
        return Math.Max(Math.Max(r0 - row, row - r1), Math.Max(Math.Max(c0 - col, col - c1), 0));
    }
}
