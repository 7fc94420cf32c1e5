using System.Net;
using System.Text;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;
using MlNetConcepts.Imaging;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Studies.Report;

/// <summary>
/// Builds one self-contained HTML page: inline CSS, inline SVG charts, images as PNG data URIs
/// and relative links to the CSV/JSON files beside it. It never references anything on a
/// network, and all text that comes from users (layer names, labels, paths) is HTML-escaped.
/// </summary>
public sealed class HtmlReport(string title)
{
    private readonly StringBuilder _body = new();
    private readonly List<string> _links = new();

    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
        h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem}
        table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .5rem}
        th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .note{color:#555;font-size:.9rem}.grid{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
        .scroll{overflow-x:auto}figure{margin:.5rem 0}figcaption{font-size:.8rem;color:#555}code{background:#f5f5f5;padding:0 .2rem}
        """;

    /// <summary>Relative paths of the files the page links to (so callers and tests can check they exist).</summary>
    public IReadOnlyList<string> Links => _links;

    /// <summary>HTML-escapes user text.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A section heading.</summary>
    public HtmlReport Heading(string text, int level = 2)
    {
        // An id per heading lets readers link to a layer (e.g. report.html#layer-block3).
        var id = new string(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        _body.Append($"<h{level} id=\"{Escape(id)}\">{Escape(text)}</h{level}>\n");
        return this;
    }

    /// <summary>A paragraph of plain (escaped) text.</summary>
    public HtmlReport Paragraph(string text, bool note = false)
    {
        _body.Append(note ? "<p class=\"note\">" : "<p>").Append(Escape(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Trusted markup produced by our own code (SVG charts).</summary>
    public HtmlReport Raw(string html)
    {
        _body.Append(html).Append('\n');
        return this;
    }

    /// <summary>A table of the first rows of a DataFrame under a title, with links to its saved CSV/JSON when given.</summary>
    public HtmlReport Table(DataFrame table, string? title, int maxRows = 25, string? csvPath = null, string? jsonPath = null)
    {
        if (!string.IsNullOrEmpty(title)) _body.Append($"<h3>{Escape(title)}</h3>\n");
        _body.Append("<div class=\"scroll\"><table><thead><tr>");
        foreach (var c in table.Columns) _body.Append($"<th>{Escape(c.Name)}</th>");
        _body.Append("</tr></thead><tbody>\n");
        long rows = table.Rows.Count;
        for (long r = 0; r < Math.Min(maxRows, rows); r++)
        {
            _body.Append("<tr>");
            foreach (var c in table.Columns) _body.Append(ReportText.IsNumeric(c) ? "<td class=\"num\">" : "<td>").Append(Escape(ReportText.Display(c[r]))).Append("</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</tbody></table></div>\n");
        var files = new List<string>();
        if (rows > maxRows) files.Add($"{maxRows} of {rows} rows shown");
        if (csvPath is not null) files.Add(Link(csvPath, "CSV"));
        if (jsonPath is not null) files.Add(Link(jsonPath, "JSON"));
        if (files.Count > 0) _body.Append("<p class=\"note\">").AppendJoin(" · ", files).Append("</p>\n");
        return this;
    }

    /// <summary>A link to a file beside the report (relative path).</summary>
    public string Link(string relativePath, string text)
    {
        if (Path.IsPathRooted(relativePath) || relativePath.Contains("//", StringComparison.Ordinal) || relativePath.Contains(':'))
            throw new ArgumentException($"Report links must be relative paths, got '{relativePath}'.", nameof(relativePath));
        _links.Add(relativePath);
        return $"<a href=\"{Escape(relativePath.Replace('\\', '/'))}\">{Escape(text)}</a>";
    }

    /// <summary>An image embedded as a PNG data URI, with a caption.</summary>
    public HtmlReport Image(PixelImage image, string caption)
    {
        var b64 = Convert.ToBase64String(PngWriter.Encode(image));
        _body.Append($"<figure><img alt=\"{Escape(caption)}\" src=\"data:image/png;base64,{b64}\"><figcaption>{Escape(caption)}</figcaption></figure>\n");
        return this;
    }

    /// <summary>Starts a flex row of figures; close with <see cref="EndGrid"/>.</summary>
    public HtmlReport BeginGrid() { _body.Append("<div class=\"grid\">\n"); return this; }

    /// <summary>Ends a flex row.</summary>
    public HtmlReport EndGrid() { _body.Append("</div>\n"); return this; }

    /// <summary>The whole page.</summary>
    public string ToHtml() =>
        $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Escape(title)}</title><style>{Css}</style></head>\n<body>\n<h1>{Escape(title)}</h1>\n{_body}</body></html>\n";

    /// <summary>Writes the page atomically.</summary>
    public void Save(string path) => AtomicFile.WriteText(path, ToHtml());
}
