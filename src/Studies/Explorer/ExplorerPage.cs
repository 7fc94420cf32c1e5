using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;

namespace MlNetConcepts.Studies.Explorer;

/// <summary>
/// Writes the explorer: one self-contained HTML file that works offline (Papadimitriou et al.
/// 2025, §6, VLM-Explore): dots are dictionary atoms laid out by UMAP, colour is the modality score
/// (eq. 5), the type or MonoSemanticity (Pach et al. 2025, eq. 9), size is energy, lines are the top
/// bridge pairs (eq. 6); filters, search by label, and a panel per concept with its collage, heat maps,
/// name and margin, MS, energy, stability across seeds and best-matching cluster (Bíla et al. 2025,
/// eq. 1). The plots are plotly.js (inlined from Plotly.NET's package); the data is one JSON block
/// whose every string is escaped for HTML by the JSON encoder (&lt; &gt; &amp; ' " become \u escapes),
/// and the page's own script puts user strings into the DOM as text only.
/// </summary>
public static class ExplorerPage
{
    /// <summary>Reads <paramref name="studyDir"/> and writes the page to <paramref name="outputPath"/> (atomically).</summary>
    public static IReadOnlyList<ExplorerMap> Write(string studyDir, string outputPath, Action<string>? log = null)
    {
        var maps = ExplorerMapReader.Read(studyDir, log);
        AtomicFile.WriteText(outputPath, Html(maps, studyDir, $"Concept explorer: {Path.GetFileName(Path.GetFullPath(studyDir).TrimEnd('/'))}"));
        return maps;
    }

    /// <summary>The page for <paramref name="maps"/>; pictures are read from <paramref name="studyDir"/> and inlined.</summary>
    public static string Html(IReadOnlyList<ExplorerMap> maps, string studyDir, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        html.Append("<style>\n").Append(Resource("explorer.css")).Append("</style>\n");
        html.Append("<!-- plotly.js ").Append(PlotlyScript.Version).Append(" (MIT licence; notice below the page), inlined from the Plotly.NET package -->\n");
        html.Append("<script>\n").Append(PlotlyScript.Script).Append("\n</script>\n");
        html.Append("</head>\n<body>\n");
        html.Append(Resource("explorer.body.html"));
        html.Append("<script type=\"application/json\" id=\"explorer-data\">").Append(Json(maps, studyDir, title)).Append("</script>\n");
        html.Append("<script>\n").Append(Resource("explorer.js")).Append("</script>\n");
        html.Append("<details class=\"license\"><summary>plotly.js licence</summary><pre>")
            .Append(WebUtility.HtmlEncode(PlotlyScript.License)).Append("</pre></details>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The data block: title and one object per map, its concept columns as parallel arrays (NaN as null).</summary>
    public static string Json(IReadOnlyList<ExplorerMap> maps, string studyDir, string title)
    {
        using var buffer = new MemoryStream();
        // The default encoder escapes every HTML-sensitive character, so no string can close the script element.
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("title", title);
            w.WriteStartArray("maps");
            foreach (var m in maps) WriteMap(w, m, studyDir);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteMap(Utf8JsonWriter w, ExplorerMap m, string studyDir)
    {
        w.WriteStartObject();
        w.WriteString("layer", m.Layer);
        w.WriteString("sae", m.Sae);
        Number(w, "trustworthiness", m.Trustworthiness);
        w.WriteNumber("trustworthinessK", ExplorerMapReader.TrustworthinessK);
        w.WriteStartArray("notes");
        foreach (var n in m.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteStartObject("concepts");
        foreach (var column in m.Concepts.Columns)
        {
            w.WriteStartArray(column.Name);
            for (long r = 0; r < column.Length; r++)
            {
                switch (column[r])
                {
                    case string s: w.WriteStringValue(s); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case int i: w.WriteNumberValue(i); break;
                    case float f: if (float.IsFinite(f)) w.WriteNumberValue(f); else w.WriteNullValue(); break;
                    case double d: if (double.IsFinite(d)) w.WriteNumberValue(d); else w.WriteNullValue(); break;
                    default: w.WriteNullValue(); break;
                }
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartArray("bridges");
        foreach (var b in m.Bridges)
        {
            w.WriteStartArray();
            w.WriteNumberValue(b.I); w.WriteNumberValue(b.J);
            if (double.IsFinite(b.Score)) w.WriteNumberValue(b.Score); else w.WriteNullValue();
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartObject("pictures");
        foreach (var (feature, p) in m.Pictures.OrderBy(p => p.Key))
        {
            w.WriteStartObject(feature.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (p.Collage is not null) Picture(w, "collage", p.Collage, studyDir);
            w.WriteStartArray("heatmaps");
            foreach (var h in p.HeatMaps) { w.WriteStartObject(); Picture(w, null, h, studyDir); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Picture(Utf8JsonWriter w, string? name, string relative, string studyDir)
    {
        if (name is not null) w.WriteStartObject(name);
        w.WriteString("file", relative);
        w.WriteString("src", "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(studyDir, relative))));
        if (name is not null) w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    private static string Resource(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream($"MlNetConcepts.Studies.Explorer.{name}")
            ?? throw new InvalidOperationException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
