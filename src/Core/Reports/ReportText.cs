using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using MlNetConcepts.IO;

namespace MlNetConcepts.Reports;

/// <summary>
/// CSV, JSON and Markdown written from DataFrames. Our own writer, not <c>DataFrame.SaveCsv</c>:
/// that one writes booleans as <c>True</c>/<c>False</c> and nulls as empty fields, while our CSV
/// promises <c>true</c>/<c>false</c>, round-trippable invariant numbers and <c>NaN</c> for an
/// undefined number (the outputs tests and users already read).
/// </summary>
public static class ReportText
{
    /// <summary>CSV text: a header row, RFC 4180 quoting, invariant round-trippable numbers, NaN as <c>NaN</c>.</summary>
    public static string Csv(DataFrame table)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', table.Columns.Select(c => CsvField(c.Name))).Append('\n');
        for (long r = 0; r < table.Rows.Count; r++)
        {
            for (int c = 0; c < table.Columns.Count; c++)
            {
                if (c > 0) sb.Append(',');
                sb.Append(CsvField(Format(table.Columns[c][r])));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="Csv"/> atomically (a temporary file renamed into place).</summary>
    public static void SaveCsv(DataFrame table, string path) => AtomicFile.WriteText(path, Csv(table));

    /// <summary>
    /// JSON: <c>{"title": string, "parameters": {name: value}, "columns": [names], "rows":
    /// [{name: value}]}</c>. Numbers (cells and parameters) are JSON numbers, booleans are JSON
    /// booleans, text is a string; NaN and infinities are null because JSON has no such numbers.
    /// Every row has every column, in column order (docs/CLI-JSON.md).
    /// </summary>
    public static string Json(EvaluationReport report, bool indented = true)
    {
        var parameters = new JsonObject();
        foreach (var (k, v) in report.Parameters) parameters[k] = JsonScalar.From(v);
        var table = report.Table;
        var rows = new JsonArray();
        for (long r = 0; r < table.Rows.Count; r++)
        {
            var o = new JsonObject();
            foreach (var c in table.Columns) o[c.Name] = JsonScalar.From(c[r]);
            rows.Add(o);
        }
        var root = new JsonObject
        {
            ["title"] = report.Title,
            ["parameters"] = parameters,
            ["columns"] = new JsonArray(table.Columns.Select(c => (JsonNode)c.Name).ToArray()),
            ["rows"] = rows,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>A GitHub-flavoured Markdown table (pipes escaped, numbers right-aligned), headed by the title when given.</summary>
    public static string Markdown(DataFrame table, string? title = null)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(title)) sb.Append("**").Append(title).Append("**\n\n");
        sb.Append('|').AppendJoin('|', table.Columns.Select(c => " " + MdCell(c.Name) + " ")).Append("|\n");
        sb.Append('|').AppendJoin('|', table.Columns.Select(c => IsNumeric(c) ? " ---: " : " --- ")).Append("|\n");
        for (long r = 0; r < table.Rows.Count; r++)
            sb.Append('|').AppendJoin('|', table.Columns.Select(c => " " + MdCell(Display(c[r])) + " ")).Append("|\n");
        return sb.ToString();
    }

    /// <summary>Writes a report in the format its extension names (.csv, .json, .md), atomically.</summary>
    public static void Save(EvaluationReport report, string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".csv": SaveCsv(report.Table, path); break;
            case ".json": AtomicFile.WriteText(path, Json(report)); break;
            case ".md": AtomicFile.WriteText(path, Markdown(report.Table, report.Title)); break;
            default: throw new ConceptDataException($"{path}: unknown report format (use .csv, .json or .md).");
        }
    }

    /// <summary>True for columns of numbers (right-aligned when shown).</summary>
    public static bool IsNumeric(DataFrameColumn column)
        => column.DataType == typeof(double) || column.DataType == typeof(float) || column.DataType == typeof(int) || column.DataType == typeof(long);

    /// <summary>A cell as invariant text: round-trippable numbers, NaN as <c>NaN</c>, <c>true</c>/<c>false</c>, null as empty.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A cell's short display form: floating-point numbers to 4 decimals, the rest as <see cref="Format"/>.</summary>
    public static string Display(object? value) => value switch
    {
        double d => double.IsNaN(d) ? "NaN" : d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? "NaN" : f.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Format(value),
    };

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static string MdCell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
