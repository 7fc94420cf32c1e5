namespace MlNetConcepts.Imaging;

/// <summary>
/// Tiles images into a grid, the way Bíla et al. 2025 (Fig. 1) shows the top samples of a cluster or an
/// SAE neuron: each image is scaled to a square cell by nearest-neighbour sampling (keeping the
/// pixels of small images such as Fashion-MNIST crisp), with a gap between cells and an optional
/// coloured frame per cell (e.g. to mark core representatives).
/// </summary>
public static class Collage
{
    /// <summary>Builds the grid; <paramref name="columns"/> of 0 picks a near-square layout.</summary>
    /// <param name="images">Images in reading order.</param>
    /// <param name="cell">Cell size in pixels (each image is scaled into cell × cell).</param>
    /// <param name="columns">Cells per row (0: ⌈√count⌉).</param>
    /// <param name="gap">Pixels between cells and around the grid.</param>
    /// <param name="frames">Optional frame colour per image (null entries: no frame).</param>
    public static PixelImage Build(IReadOnlyList<PixelImage> images, int cell = 64, int columns = 0, int gap = 4,
        IReadOnlyList<(byte R, byte G, byte B)?>? frames = null)
    {
        if (images.Count == 0) throw new ConceptDataException("A collage needs at least one image.");
        if (cell < 4) throw new ArgumentOutOfRangeException(nameof(cell), cell, "Cells need at least 4 pixels.");
        int cols = columns > 0 ? columns : (int)Math.Ceiling(Math.Sqrt(images.Count));
        int rows = (images.Count + cols - 1) / cols;
        int width = cols * cell + (cols + 1) * gap, height = rows * cell + (rows + 1) * gap;
        var canvas = PixelImage.Filled(width, height, 3, 255, 255, 255);
        for (int i = 0; i < images.Count; i++)
        {
            int x0 = gap + (i % cols) * (cell + gap), y0 = gap + (i / cols) * (cell + gap);
            Blit(images[i], canvas, x0, y0, cell);
            if (frames is not null && i < frames.Count && frames[i] is { } c) Frame(canvas, x0, y0, cell, c);
        }
        return canvas;
    }

    private static void Blit(PixelImage src, PixelImage dst, int x0, int y0, int cell)
    {
        // Fit the longer side to the cell and centre the other.
        double scale = (double)cell / Math.Max(src.Width, src.Height);
        int w = Math.Max(1, (int)Math.Round(src.Width * scale)), h = Math.Max(1, (int)Math.Round(src.Height * scale));
        int ox = x0 + (cell - w) / 2, oy = y0 + (cell - h) / 2;
        for (int y = 0; y < h; y++)
        {
            int sy = Math.Min(src.Height - 1, (int)(y / scale));
            for (int x = 0; x < w; x++)
            {
                int sx = Math.Min(src.Width - 1, (int)(x / scale));
                var (r, g, b) = src.GetRgb(sx, sy);
                int o = ((oy + y) * dst.Width + ox + x) * 3;
                dst.Pixels[o] = r; dst.Pixels[o + 1] = g; dst.Pixels[o + 2] = b;
            }
        }
    }

    private static void Frame(PixelImage dst, int x0, int y0, int cell, (byte R, byte G, byte B) c)
    {
        for (int t = 0; t < 2; t++)
        {
            for (int i = -t; i < cell + t; i++)
            {
                Set(dst, x0 + i, y0 - 1 - t, c); Set(dst, x0 + i, y0 + cell + t, c);
                Set(dst, x0 - 1 - t, y0 + i, c); Set(dst, x0 + cell + t, y0 + i, c);
            }
        }
    }

    private static void Set(PixelImage img, int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)img.Width || (uint)y >= (uint)img.Height) return;
        int o = (y * img.Width + x) * 3;
        img.Pixels[o] = c.R; img.Pixels[o + 1] = c.G; img.Pixels[o + 2] = c.B;
    }
}
