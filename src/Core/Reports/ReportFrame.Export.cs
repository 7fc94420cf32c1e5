using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.IO;
using Spectre.Console;

namespace MlNetConcepts.Reports;

public sealed partial class ReportFrame
{
    /// <summary>CSV text (RFC 4180 quoting, invariant numbers, header row).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', _columns.Select(c => CsvField(c.Name))).Append('\n');
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < _columns.Count; c++)
            {
                if (c > 0) sb.Append(',');
                sb.Append(CsvField(_columns[c].Format(r)));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Writes CSV atomically.</summary>
    public void SaveCsv(string path) => AtomicFile.WriteText(path, ToCsv());

    /// <summary>
    /// JSON: <c>{"title": string, "parameters": {name: value}, "columns": [names], "rows":
    /// [{name: value}]}</c>. Numbers (columns and parameters alike) are JSON numbers, booleans are
    /// JSON booleans, text is a string; NaN and infinities are written as null because JSON has
    /// no such numbers. Every row has every column, in column order (docs/CLI-JSON.md).
    /// </summary>
    public string ToJson(bool indented = true)
    {
        var parameters = new JsonObject();
        foreach (var k in Parameters.Keys) parameters[k] = JsonScalar.From(ParameterValue(k));
        var rows = new JsonArray();
        for (int r = 0; r < Rows; r++)
        {
            var o = new JsonObject();
            foreach (var c in _columns) o[c.Name] = JsonScalar.From(c.Values.GetValue(r));
            rows.Add(o);
        }
        var root = new JsonObject
        {
            ["title"] = Title,
            ["parameters"] = parameters,
            ["columns"] = new JsonArray(_columns.Select(c => (JsonNode)c.Name).ToArray()),
            ["rows"] = rows,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>Writes JSON atomically.</summary>
    public void SaveJson(string path) => AtomicFile.WriteText(path, ToJson());

    /// <summary>A GitHub-flavoured Markdown table (pipes escaped).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(Title)) sb.Append("**").Append(Title).Append("**\n\n");
        sb.Append('|').AppendJoin('|', _columns.Select(c => " " + MdCell(c.Name) + " ")).Append("|\n");
        sb.Append('|').AppendJoin('|', _columns.Select(c => c.IsNumeric ? " ---: " : " --- ")).Append("|\n");
        for (int r = 0; r < Rows; r++)
            sb.Append('|').AppendJoin('|', _columns.Select(c => " " + MdCell(c.Display(r)) + " ")).Append("|\n");
        return sb.ToString();
    }

    private static string MdCell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>Writes the frame in the format its extension names (.csv, .json, .md).</summary>
    public void Save(string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".csv": SaveCsv(path); break;
            case ".json": SaveJson(path); break;
            case ".md": AtomicFile.WriteText(path, ToMarkdown()); break;
            default: throw new ConceptDataException($"{path}: unknown report format (use .csv, .json or .md).");
        }
    }

    /// <summary>A Spectre.Console table of the first <paramref name="maxRows"/> rows.</summary>
    public Table ToTable(int maxRows = 20)
    {
        var t = new Table().Border(TableBorder.Rounded);
        if (!string.IsNullOrEmpty(Title)) t.Title(Markup.Escape(Title));
        foreach (var c in _columns)
        {
            var col = new TableColumn(Markup.Escape(c.Name));
            if (c.IsNumeric) col.RightAligned();
            t.AddColumn(col);
        }
        int shown = Math.Min(Rows, maxRows);
        for (int r = 0; r < shown; r++)
            t.AddRow(_columns.Select(c => Markup.Escape(c.Display(r))).ToArray());
        if (shown < Rows) t.Caption($"{shown} of {Rows} rows");
        return t;
    }

    /// <summary>Prints the table (and parameters) to a console, the default console when null.</summary>
    public void Print(IAnsiConsole? console = null, int maxRows = 20)
    {
        console ??= AnsiConsole.Console;
        console.Write(ToTable(maxRows));
        if (Parameters.Count > 0)
            console.MarkupLine("[grey]" + Markup.Escape(string.Join("  ", Parameters.Select(p => $"{p.Key}={p.Value}"))) + "[/]");
    }

    /// <inheritdoc />
    public override string ToString() => ToMarkdown();
}
