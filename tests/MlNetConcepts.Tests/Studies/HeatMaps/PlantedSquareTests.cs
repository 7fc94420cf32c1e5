using System.Text.Json;
using MlNetConcepts.Studies.HeatMaps;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Studies.HeatMaps;

/// <summary>
/// The acceptance check of the heat maps on the demo model: synthetic 28×28 images of faint noise
/// with a bright 7×7 square planted at a random place inside a random quadrant. A concept that
/// responds to the square is learnt from training images: for token maps, a direction in block 3's
/// patch-token space (mean of the tokens of cells the square covers minus the mean of the others, 400
/// images); for occlusion, a ridge probe on the pooled rows that tells images with a square from
/// images without (800 images). On 40 fresh images the hottest cell must lie in the square's
/// quadrant for at least 38. A heat map that is transposed, flipped, mis-indexed or insensitive to
/// the square misses the quadrant about 3 times in 4.
/// </summary>
[TestClass]
public sealed class PlantedSquareTests
{
    private const int Side = 28, Square = 7;
    private static readonly OnnxSessionOptions Session = new() { IntraOpThreads = 1 };

    private static string ModelDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tools", "demo-model", "model");
            if (File.Exists(Path.Combine(p, "image.onnx"))) return p;
        }
        Assert.Fail("tools/demo-model/model/image.onnx not found above the test folder");
        return "";
    }

    private static ImagePreprocessor Pre()
    {
        var c = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelDir(), "config.json"))).RootElement;
        return ImagePreprocessor.None(1) with { Mean = [(float)c.GetProperty("pixel_mean").GetDouble()], Std = [(float)c.GetProperty("pixel_std").GetDouble()] };
    }

    /// <summary>Images with a square in a random quadrant (every second one without a square when <paramref name="someWithout"/>); returns the quadrant (0 TL, 1 TR, 2 BL, 3 BR) and the square's origin.</summary>
    internal static (RasterImage[] Images, int[] Quadrant, (int Y, int X)[] Origin) Planted(int count, int seed, bool someWithout = false)
    {
        var rng = new Random(seed);
        var images = new RasterImage[count];
        var quadrant = new int[count];
        var origin = new (int, int)[count];
        for (int i = 0; i < count; i++)
        {
            var px = new float[Side * Side];
            for (int p = 0; p < px.Length; p++) px[p] = (float)(40 * rng.NextDouble());
            int q = someWithout && i % 2 == 1 ? -1 : rng.Next(4);
            if (q < 0)
            {
                images[i] = new RasterImage(Side, Side, 1, px);
                quadrant[i] = -1;
                continue;
            }
            int y0 = (q / 2) * 14 + rng.Next(14 - Square + 1), x0 = (q % 2) * 14 + rng.Next(14 - Square + 1);
            for (int y = y0; y < y0 + Square; y++)
                for (int x = x0; x < x0 + Square; x++) px[y * Side + x] = 255;
            images[i] = new RasterImage(Side, Side, 1, px);
            quadrant[i] = q;
            origin[i] = (y0, x0);
        }
        return (images, quadrant, origin);
    }

    private static bool InQuadrant((int Row, int Col) cell, int q) => cell.Row / 2 == q / 2 && cell.Col / 2 == q % 2;

    [TestMethod]
    public void PatchTokenHeatMapsPeakInThePlantedQuadrant()
    {
        var maps = new PatchHeatMaps { ModelPath = Path.Combine(ModelDir(), "image.onnx"), Tensor = "block3", Preprocessor = Pre(), Session = Session };
        // Learn the direction from the training images' patch tokens (the activation callback sees every token row).
        var (train, _, origins) = Planted(400, 1);
        float[] tokens = [];
        maps.Compute(train, (rows, count) => { tokens = rows; return new float[count]; });
        int width = tokens.Length / (train.Length * 16);
        var on = new double[width];
        var off = new double[width];
        int nOn = 0, nOff = 0;
        for (int i = 0; i < train.Length; i++)
            for (int cell = 0; cell < 16; cell++)
            {
                int overlap = Overlap(origins[i], cell / 4, cell % 4);
                if (overlap > 0 && overlap < Square * Square / 2) continue; // partly covered cells count for neither side
                var target = overlap > 0 ? on : off;
                if (overlap > 0) nOn++; else nOff++;
                for (int d = 0; d < width; d++) target[d] += tokens[(i * 16 + cell) * width + d];
            }
        var direction = Enumerable.Range(0, width).Select(d => (float)(on[d] / nOn - off[d] / nOff)).ToArray();

        var (test, quadrant, testOrigins) = Planted(40, 2);
        var grids = maps.Compute(test, ConceptActivations.Direction(direction));
        int hits = Enumerable.Range(0, test.Length).Count(i => InQuadrant(grids[i].Hottest(), quadrant[i]));
        int onSquare = Enumerable.Range(0, test.Length).Count(i => Overlap(testOrigins[i], grids[i].Hottest().Row, grids[i].Hottest().Col) > 0);
        Console.WriteLine($"tokens: hottest cell in the planted quadrant {hits}/40, on the square {onSquare}/40");
        Assert.AreEqual(4, grids[0].Rows);
        Assert.IsTrue(hits >= 38, $"hottest cell in the planted quadrant for {hits}/40 images");
    }

    [TestMethod]
    [DataRow("image_embeds")]
    [DataRow("block3")]
    public void OcclusionHeatMapsPeakInThePlantedQuadrant(string tensor)
    {
        string model = Path.Combine(ModelDir(), "image.onnx");
        var pre = Pre();
        // The concept "a bright square": a ridge-regression probe on the pooled rows of 800 training
        // images, half of them with a square somewhere, half without.
        var (train, trainQuadrant, _) = Planted(800, 3, someWithout: true);
        var rows = new List<float>();
        using (var ex = new ActivationExtractor(new() { ModelPath = model, Tensors = [tensor], BatchSize = 200, Session = Session }))
            ex.Run(new ImageInput(train, pre, "train"), b => rows.AddRange(b[0].Values));
        int width = rows.Count / train.Length;
        var probe = RidgeProbe(rows, train.Length, width, trainQuadrant.Select(q => q >= 0 ? 1.0 : 0.0).ToArray(), 1e-3);

        // Stride 7 (the study's default: the windows tile the image) and stride 2 (some window covers at
        // least 6×6 of the square wherever it lies).
        var (test, quadrant, testOrigin) = Planted(40, 4);
        foreach (int stride in new[] { 2, 7 })
        {
            var occlusion = new OcclusionHeatMaps { ModelPath = model, Tensor = tensor, Preprocessor = pre, Patch = 7, Stride = stride, Baseline = 0, Session = Session };
            var origins = occlusion.Origins(Side);
            var grids = occlusion.Compute(test, ConceptActivations.Direction(probe));
            Assert.IsTrue(grids.All(g => g.Rows == origins.Length && g.Cols == origins.Length));
            // A window belongs to the quadrant its centre lies in.
            int hits = Enumerable.Range(0, test.Length).Count(i => grids[i].Hottest() is var (r, c)
                && (origins[r] + 3.5 < 14 ? 0 : 1) == quadrant[i] / 2 && (origins[c] + 3.5 < 14 ? 0 : 1) == quadrant[i] % 2);
            int onSquare = Enumerable.Range(0, test.Length).Count(i => grids[i].Hottest() is var (r, c)
                && Math.Abs(origins[r] - testOrigin[i].Y) < Square && Math.Abs(origins[c] - testOrigin[i].X) < Square);
            Console.WriteLine($"occlusion of {tensor}, stride {stride}: hottest window in the planted quadrant {hits}/40, overlapping the square {onSquare}/40");
            Assert.IsTrue(hits >= 38, $"stride {stride}: hottest window in the planted quadrant for {hits}/40 images");
        }
    }

    [TestMethod]
    public void OcclusionWindowsCoverTheImageAndBadSizesAreRejected()
    {
        var o = new OcclusionHeatMaps { ModelPath = "m.onnx", Tensor = "t", Preprocessor = ImagePreprocessor.None(1), Patch = 7, Stride = 5 };
        CollectionAssert.AreEqual(new[] { 0, 5, 10, 15, 20, 21 }, o.Origins(28));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new OcclusionHeatMaps { ModelPath = "m.onnx", Tensor = "t", Preprocessor = ImagePreprocessor.None(1), Patch = 30 }.Origins(28));
        StringAssert.Contains(e.Message, "larger than the image side");
    }

    /// <summary>
    /// Ridge regression w = (XcᵀXc + λ·tr/d·I)⁻¹ Xcᵀ(y − ȳ) on centred rows, solved by Gaussian elimination
    /// with partial pivoting; the intercept does not change which window drops the projection most.
    /// </summary>
    private static float[] RidgeProbe(List<float> x, int n, int d, double[] y, double lambda)
    {
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) mean[k] += x[i * d + k] / (double)n;
        double ym = y.Average();
        var a = new double[d, d + 1];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
            {
                double xk = x[i * d + k] - mean[k];
                for (int l = 0; l < d; l++) a[k, l] += xk * (x[i * d + l] - mean[l]);
                a[k, d] += xk * (y[i] - ym);
            }
        double trace = Enumerable.Range(0, d).Sum(k => a[k, k]);
        for (int k = 0; k < d; k++) a[k, k] += lambda * trace / d;
        for (int c = 0; c < d; c++)
        {
            int p = Enumerable.Range(c, d - c).MaxBy(r => Math.Abs(a[r, c]));
            for (int j = 0; j <= d; j++) (a[c, j], a[p, j]) = (a[p, j], a[c, j]);
            for (int r = 0; r < d; r++)
            {
                if (r == c) continue;
                double f = a[r, c] / a[c, c];
                for (int j = c; j <= d; j++) a[r, j] -= f * a[c, j];
            }
        }
        return Enumerable.Range(0, d).Select(k => (float)(a[k, d] / a[k, k])).ToArray();
    }

    /// <summary>Pixels of the 7×7 square inside patch cell (row, col).</summary>
    private static int Overlap((int Y, int X) origin, int row, int col)
    {
        int oy = Math.Max(0, Math.Min(origin.Y + Square, row * 7 + 7) - Math.Max(origin.Y, row * 7));
        int ox = Math.Max(0, Math.Min(origin.X + Square, col * 7 + 7) - Math.Max(origin.X, col * 7));
        return oy * ox;
    }
}
