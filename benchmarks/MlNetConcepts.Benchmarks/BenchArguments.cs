using System.Globalization;

namespace MlNetConcepts.Benchmarks;

/// <summary>"--name value" and "--flag" options of the harness, with typed getters and defaults.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public static BenchArguments Parse(IEnumerable<string> args)
    {
        var result = new BenchArguments();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{list[i]}'");
            string name = list[i][2..];
            string? value = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : null;
            result._values[name] = value;
        }
        return result;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) && v is not null ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => _values.TryGetValue(name, out var v) ? v : null;
}
