using System.Globalization;
using Microsoft.Data.Analysis;

namespace MlNetConcepts.Studies.Report;

/// <summary>Renders a <see cref="DataFrame"/> as a report table (numbers to 3 decimals, every string escaped).</summary>
public static class DataFrameHtml
{
    /// <summary>A titled table of the first <paramref name="maxRows"/> rows, with a link to its CSV when given.</summary>
    public static HtmlReport Frame(this HtmlReport html, DataFrame frame, string title, int maxRows = 25, string? csvPath = null)
    {
        var b = new System.Text.StringBuilder();
        b.Append($"<h3>{HtmlReport.Escape(title)}</h3>\n<div class=\"scroll\"><table><thead><tr>");
        foreach (var c in frame.Columns) b.Append($"<th>{HtmlReport.Escape(c.Name)}</th>");
        b.Append("</tr></thead><tbody>\n");
        for (long r = 0; r < Math.Min(maxRows, frame.Rows.Count); r++)
        {
            b.Append("<tr>");
            foreach (var c in frame.Columns)
            {
                var v = c[r];
                bool numeric = v is double or float or int or long;
                b.Append(numeric ? "<td class=\"num\">" : "<td>").Append(HtmlReport.Escape(Display(v))).Append("</td>");
            }
            b.Append("</tr>\n");
        }
        b.Append("</tbody></table></div>\n");
        html.Raw(b.ToString());
        var notes = new List<string>();
        if (frame.Rows.Count > maxRows) notes.Add($"{maxRows} of {frame.Rows.Count} rows shown");
        if (csvPath is not null) notes.Add(html.Link(csvPath, "CSV"));
        if (notes.Count > 0) html.Raw($"<p class=\"note\">{string.Join(" · ", notes)}</p>");
        return html;
    }

    private static string Display(object? v) => v switch
    {
        null => "",
        double d => double.IsNaN(d) ? "NaN" : d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? "NaN" : f.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
