using System.Globalization;
using System.Text.Json.Nodes;

namespace MlNetConcepts.Reports;

/// <summary>
/// One value as JSON, the way every report and every <c>mlnc</c> JSON output writes it
/// (docs/CLI-JSON.md): numbers as JSON numbers, NaN and ±infinity as null (JSON has neither),
/// booleans as booleans, text as strings.
/// </summary>
public static class JsonScalar
{
    /// <summary>The JSON form of a number, boolean, string or null.</summary>
    public static JsonNode? From(object? value) => value switch
    {
        null => null,
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        float f => float.IsFinite(f) ? JsonValue.Create((double)f) : null,
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
