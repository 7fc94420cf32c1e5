using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace MlNetConcepts.Studies.Steering;

/// <summary>
/// CSV of a DataFrame as the project writes CSV: a header of column names, numbers in invariant
/// culture with round-trip precision ("R"), NaN as an empty field, text quoted when it holds a
/// comma, quote or newline.
/// </summary>
internal static class DataFrameCsv
{
    public static string Format(DataFrame frame)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', frame.Columns.Select(c => Quote(c.Name))).Append('\n');
        for (long r = 0; r < frame.Rows.Count; r++)
        {
            sb.AppendJoin(',', frame.Columns.Select(c => Cell(c[r])));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string Cell(object? v) => v switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : "",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(v.ToString() ?? ""),
    };

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
