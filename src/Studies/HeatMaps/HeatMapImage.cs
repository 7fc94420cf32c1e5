using MlNetConcepts.Imaging;

namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// Draws a heat map over its image: the image is scaled up (nearest neighbour) by a display factor
/// and shown in grey, the grid is upsampled bilinearly to the same size, scaled to [0, 1] by its
/// maximum (negative values count as 0: the concept does not fire there) and coloured with
/// <see cref="Viridis"/>, and the two are blended with the heat map's opacity alpha.
/// </summary>
public static class HeatMapImage
{
    /// <summary>An RGB image of <paramref name="image"/> × <paramref name="scale"/> with <paramref name="grid"/> blended over it.</summary>
    public static PixelImage Blend(PixelImage image, HeatGrid grid, int scale = 4, double alpha = 0.55)
    {
        if (scale < 1) throw new ConceptDataException($"scale must be at least 1, got {scale}.", ["scale"]);
        int w = image.Width * scale, h = image.Height * scale;
        var heat = grid.Upsample(h, w);
        float max = heat.Max();
        var rgb = image.ToRgb();
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (r, g, b) = rgb.GetRgb(x / scale, y / scale);
                double grey = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
                double t = max > 0 ? Math.Max(0, heat[y * w + x]) / max : 0;
                var (cr, cg, cb) = Viridis.Map(t);
                int o = (y * w + x) * 3;
                px[o] = Byte((1 - alpha) * grey + alpha * cr);
                px[o + 1] = Byte((1 - alpha) * grey + alpha * cg);
                px[o + 2] = Byte((1 - alpha) * grey + alpha * cb);
            }
        return new PixelImage(w, h, 3, px);
    }

    private static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
}
