using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Cli;

/// <summary>
/// The JSON conventions every <c>mlnc … --json</c> output follows (docs/CLI-JSON.md): numbers are
/// JSON numbers, NaN and ±infinity (which JSON cannot hold) are null, keys are snake_case, and
/// the text is indented.
/// </summary>
internal static class CliJson
{
    /// <summary>An object of the given fields, in order.</summary>
    public static string Object(params (string Name, object? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (name, value) in fields) o[name] = JsonScalar.From(value);
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
