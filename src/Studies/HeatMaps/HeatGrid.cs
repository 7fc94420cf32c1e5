namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// A concept's value on a grid of image cells (ViT patches, occlusion windows), row-major, with the
/// bilinear upsampling that spreads it over the image.
/// </summary>
/// <param name="Rows">Grid rows.</param>
/// <param name="Cols">Grid columns.</param>
/// <param name="Values">Rows × Cols values, row-major.</param>
public sealed record HeatGrid(int Rows, int Cols, float[] Values)
{
    /// <summary>The value of a cell.</summary>
    public float this[int row, int col] => Values[row * Cols + col];

    /// <summary>The hottest cell (largest value; the first in row-major order on ties).</summary>
    public (int Row, int Col) Hottest()
    {
        int best = 0;
        for (int i = 1; i < Values.Length; i++) if (Values[i] > Values[best]) best = i;
        return (best / Cols, best % Cols);
    }

    /// <summary>
    /// Bilinear upsampling to <paramref name="height"/> × <paramref name="width"/> with the cell
    /// centres at ((j + 0.5)·W/Cols − 0.5): output pixel x samples source coordinate
    /// (x + 0.5)·Cols/W − 0.5, clamped to the grid, as torch's <c>interpolate(mode="bilinear",
    /// align_corners=False)</c> does.
    /// </summary>
    public float[] Upsample(int height, int width)
    {
        if (height < 1 || width < 1) throw new ConceptDataException($"heat map size must be positive, got {height}×{width}.");
        var result = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            var (y0, y1, fy) = Source(y, height, Rows);
            for (int x = 0; x < width; x++)
            {
                var (x0, x1, fx) = Source(x, width, Cols);
                double top = this[y0, x0] + fx * (this[y0, x1] - this[y0, x0]);
                double bottom = this[y1, x0] + fx * (this[y1, x1] - this[y1, x0]);
                result[y * width + x] = (float)(top + fy * (bottom - top));
            }
        }
        return result;
    }

    private static (int Lo, int Hi, double Frac) Source(int i, int outSize, int inSize)
    {
        double s = Math.Max(0, (i + 0.5) * inSize / outSize - 0.5);
        int lo = Math.Min((int)Math.Floor(s), inSize - 1);
        int hi = Math.Min(lo + 1, inSize - 1);
        return (lo, hi, s - lo);
    }
}
