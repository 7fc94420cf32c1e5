using System.Globalization;
using System.Net;
using System.Text;

namespace MlNetConcepts.Studies.Report;

/// <summary>
/// Small inline SVG charts drawn by our own code (no scripts, no external resources): grouped
/// bars, overlaid histograms, lines and a heat map. Inline SVG in HTML5 needs no namespace
/// attribute, so the report contains no URL at all.
/// </summary>
public static class SvgChart
{
    /// <summary>Colours for series, chosen to stay distinguishable in print.</summary>
    public static readonly string[] Palette = ["#3366cc", "#dc3912", "#109618", "#ff9900", "#990099", "#0099c6", "#dd4477", "#66aa00"];

    private const int Width = 640, Height = 300, Left = 56, Right = 16, Top = 28, Bottom = 48;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Grouped bars: one group per category, one bar per series.</summary>
    public static string Bars(string title, IReadOnlyList<string> categories, IReadOnlyList<(string Name, double[] Values)> series, double? yMax = null)
    {
        double max = yMax ?? Math.Max(1e-12, series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        var sb = Begin(title, max, 0);
        double plotW = Width - Left - Right, groupW = plotW / Math.Max(1, categories.Count);
        double barW = groupW * 0.8 / Math.Max(1, series.Count);
        for (int c = 0; c < categories.Count; c++)
        {
            for (int s = 0; s < series.Count; s++)
            {
                double v = series[s].Values[c];
                if (!double.IsFinite(v)) continue;
                double h = (Height - Top - Bottom) * Math.Clamp(v / max, 0, 1);
                double x = Left + c * groupW + groupW * 0.1 + s * barW;
                sb.Append($"<rect x=\"{F(x)}\" y=\"{F(Height - Bottom - h)}\" width=\"{F(barW)}\" height=\"{F(h)}\" fill=\"{Palette[s % Palette.Length]}\"><title>{E(series[s].Name)} {E(categories[c])}: {F(v)}</title></rect>");
            }
            sb.Append($"<text x=\"{F(Left + (c + 0.5) * groupW)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{E(categories[c])}</text>");
        }
        return End(sb, series.Select(s => s.Name).ToList());
    }

    /// <summary>Overlaid histograms (as step lines) of several samples over a shared range; NaNs are skipped.</summary>
    public static string Histograms(string title, IReadOnlyList<(string Name, double[] Values)> series, double low, double high, int bins = 20, bool normalize = true)
    {
        var counts = series.Select(s =>
        {
            var h = new double[bins];
            var finite = s.Values.Where(double.IsFinite).ToArray();
            foreach (var v in finite) h[Math.Clamp((int)((v - low) / (high - low) * bins), 0, bins - 1)]++;
            if (normalize && finite.Length > 0) for (int i = 0; i < bins; i++) h[i] /= finite.Length;
            return h;
        }).ToList();
        double max = Math.Max(1e-12, counts.SelectMany(c => c).DefaultIfEmpty(1).Max());
        var sb = Begin(title, max, 0);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        for (int s = 0; s < series.Count; s++)
        {
            var pts = new StringBuilder();
            for (int i = 0; i < bins; i++)
            {
                double y = Height - Bottom - plotH * counts[s][i] / max;
                pts.Append($"{F(Left + plotW * i / bins)},{F(y)} {F(Left + plotW * (i + 1) / bins)},{F(y)} ");
            }
            sb.Append($"<polyline points=\"{pts}\" fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\"/>");
        }
        for (int t = 0; t <= 4; t++)
            sb.Append($"<text x=\"{F(Left + plotW * t / 4)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{F(low + (high - low) * t / 4)}</text>");
        return End(sb, series.Select(s => s.Name).ToList());
    }

    /// <summary>Lines over a shared x axis.</summary>
    public static string Lines(string title, double[] x, IReadOnlyList<(string Name, double[] Values)> series, string xLabel = "")
    {
        double max = Math.Max(1e-12, series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        double xMin = x.Length > 0 ? x.Min() : 0, xMax = x.Length > 0 ? x.Max() : 1;
        if (xMax <= xMin) xMax = xMin + 1;
        var sb = Begin(title, max, 0);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        for (int s = 0; s < series.Count; s++)
        {
            var pts = string.Join(" ", x.Select((xv, i) => (xv, v: series[s].Values[i])).Where(p => double.IsFinite(p.v))
                .Select(p => $"{F(Left + plotW * (p.xv - xMin) / (xMax - xMin))},{F(Height - Bottom - plotH * p.v / max)}"));
            sb.Append($"<polyline points=\"{pts}\" fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\"/>");
        }
        for (int t = 0; t <= 4; t++)
            sb.Append($"<text x=\"{F(Left + plotW * t / 4)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{F(xMin + (xMax - xMin) * t / 4)}</text>");
        if (xLabel.Length > 0) sb.Append($"<text x=\"{F(Left + plotW / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"11\">{E(xLabel)}</text>");
        return End(sb, series.Select(s => s.Name).ToList());
    }

    /// <summary>A heat map of values in [0, 1] (white to dark blue) with row and column labels.</summary>
    public static string HeatMap(string title, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        int cell = Math.Clamp(480 / Math.Max(1, Math.Max(rows, cols)), 6, 28);
        int left = 90, top = 96, w = left + cols * cell + 20, h = top + rows * cell + 20;
        var sb = new StringBuilder();
        sb.Append($"<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\"><title>{E(title)}</title>");
        sb.Append($"<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");
        for (int r = 0; r < rows; r++)
        {
            sb.Append($"<text x=\"{left - 4}\" y=\"{top + r * cell + cell * 0.7:0}\" text-anchor=\"end\" font-size=\"10\">{E(rowLabels[r])}</text>");
            for (int c = 0; c < cols; c++)
            {
                double v = values[r, c];
                string fill = double.IsFinite(v) ? Blue(Math.Clamp(v, 0, 1)) : "#eeeeee";
                sb.Append($"<rect x=\"{left + c * cell}\" y=\"{top + r * cell}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\"><title>{E(rowLabels[r])} × {E(columnLabels[c])}: {F(v)}</title></rect>");
            }
        }
        for (int c = 0; c < cols; c++)
            sb.Append($"<text transform=\"translate({left + c * cell + cell * 0.7:0},{top - 4}) rotate(-60)\" font-size=\"10\">{E(columnLabels[c])}</text>");
        return sb.Append("</svg>").ToString();
    }

    private static string Blue(double t)
    {
        int r = (int)(255 - t * (255 - 8)), g = (int)(255 - t * (255 - 48)), b = (int)(255 - t * (255 - 107));
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static StringBuilder Begin(string title, double yMax, double yMin)
    {
        var sb = new StringBuilder();
        sb.Append($"<svg width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\"><title>{E(title)}</title>");
        sb.Append($"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");
        sb.Append($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        sb.Append($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        for (int t = 0; t <= 4; t++)
        {
            double v = yMin + (yMax - yMin) * t / 4, y = Height - Bottom - (Height - Top - Bottom) * t / 4.0;
            sb.Append($"<text x=\"{Left - 4}\" y=\"{F(y + 4)}\" text-anchor=\"end\" font-size=\"10\">{F(v)}</text>");
            sb.Append($"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"#ddd\"/>");
        }
        return sb;
    }

    private static string End(StringBuilder sb, IReadOnlyList<string> names)
    {
        for (int s = 0; s < names.Count; s++)
        {
            double x = Left + 10 + s * 140;
            sb.Append($"<rect x=\"{F(x)}\" y=\"{Height - 18}\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Length]}\"/>");
            sb.Append($"<text x=\"{F(x + 14)}\" y=\"{Height - 9}\" font-size=\"11\">{E(names[s])}</text>");
        }
        return sb.Append("</svg>").ToString();
    }
}
