
namespace MlNetConcepts.Reports;

/// <summary>
/// A small typed table for results (per-neuron scores, matches, summaries): named columns of
/// equal length, the parameters it was computed with, and export to CSV, JSON and Markdown.
/// </summary>
public sealed partial class ReportFrame
{
    private readonly List<FrameColumn> _columns = new();
    // The values given to WithParameter, kept typed so JSON writes numbers as numbers.
    private readonly Dictionary<string, object?> _typedParameters = new(StringComparer.Ordinal);

    /// <summary>Creates an empty frame with a title.</summary>
    public ReportFrame(string title = "") => Title = title;

    /// <summary>A title shown when printing.</summary>
    public string Title { get; set; }

    /// <summary>
    /// Parameters the report was computed with, as invariant text (shown on print). JSON writes
    /// the typed value given to <see cref="WithParameter"/> instead (numbers stay numbers); a
    /// value set here directly is written as a string.
    /// </summary>
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<FrameColumn> Columns => _columns;

    /// <summary>Number of rows (0 for a frame without columns).</summary>
    public int Rows => _columns.Count == 0 ? 0 : _columns[0].Length;

    /// <summary>The column with the given name; a clear error listing the columns when absent.</summary>
    public FrameColumn this[string name] => _columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ConceptDataException($"Report '{Title}' has no column '{name}' (columns: {string.Join(", ", _columns.Select(c => c.Name))}).");

    /// <summary>Adds a column (double[], int[], long[], bool[] or string[]); lengths must agree.</summary>
    public ReportFrame Add(string name, Array values)
    {
        if (_columns.Any(c => c.Name == name)) throw new ArgumentException($"Report '{Title}' already has a column '{name}'.", nameof(name));
        if (_columns.Count > 0 && values.Length != Rows)
            throw new ArgumentException($"Column '{name}' has {values.Length} rows but report '{Title}' has {Rows}.", nameof(values));
        _columns.Add(new FrameColumn(name, values));
        return this;
    }

    /// <summary>Adds a parameter (returns the frame for chaining).</summary>
    public ReportFrame WithParameter(string name, object? value)
    {
        Parameters[name] = Text(value);
        _typedParameters[name] = value;
        return this;
    }

    /// <summary>Copies every parameter of <paramref name="source"/>, typed values included (returns this frame).</summary>
    public ReportFrame WithParametersOf(ReportFrame source)
    {
        foreach (var (k, v) in source.Parameters) Parameters[k] = v;
        foreach (var (k, v) in source._typedParameters) _typedParameters[k] = v;
        return this;
    }

    /// <summary>
    /// A parameter's value as given to <see cref="WithParameter"/> (e.g. an int or a double), or
    /// its text when it was set through <see cref="Parameters"/> directly; a clear error when absent.
    /// </summary>
    public object? ParameterValue(string name)
    {
        if (!Parameters.TryGetValue(name, out var text))
            throw new ConceptDataException($"Report '{Title}' has no parameter '{name}' (parameters: {string.Join(", ", Parameters.Keys)}).");
        // A later direct write through Parameters wins over the typed value it replaced.
        return _typedParameters.TryGetValue(name, out var typed) && Text(typed) == text ? typed : text;
    }

    private static string Text(object? value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>Typed values of a double column.</summary>
    public double[] Doubles(string name) => this[name].Values as double[] ?? throw new ConceptDataException($"Column '{name}' is not a double column.");
    /// <summary>Typed values of an int column.</summary>
    public int[] Int32s(string name) => this[name].Values as int[] ?? throw new ConceptDataException($"Column '{name}' is not an int column.");
    /// <summary>Typed values of a string column.</summary>
    public string[] Strings(string name) => this[name].Values as string[] ?? throw new ConceptDataException($"Column '{name}' is not a string column.");

    /// <summary>The first <paramref name="n"/> rows.</summary>
    public ReportFrame Head(int n = 10) => Select(Enumerable.Range(0, Math.Min(Math.Max(n, 0), Rows)).ToArray());

    /// <summary>Rows sorted by a column (NaN last in both directions; stable).</summary>
    public ReportFrame OrderBy(string column, bool descending = false)
    {
        var c = this[column];
        var idx = Enumerable.Range(0, Rows).ToArray();
        Comparison<int> cmp;
        if (c.IsNumeric || c.Kind == DataKind.Boolean)
        {
            cmp = (x, y) =>
            {
                double a = c.GetDouble(x), b = c.GetDouble(y);
                if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a).CompareTo(double.IsNaN(b));
                int r = descending ? b.CompareTo(a) : a.CompareTo(b);
                return r != 0 ? r : x.CompareTo(y);
            };
        }
        else
        {
            var s = (string[])c.Values;
            cmp = (x, y) =>
            {
                int r = string.CompareOrdinal(s[x], s[y]);
                return r != 0 ? (descending ? -r : r) : x.CompareTo(y);
            };
        }
        Array.Sort(idx, cmp);
        return Select(idx);
    }

    /// <summary>A frame with only the named columns, in the given order (parameters kept).</summary>
    public ReportFrame SelectColumns(params string[] names)
    {
        var f = new ReportFrame(Title).WithParametersOf(this);
        foreach (var n in names) f._columns.Add(this[n]);
        return f;
    }

    /// <summary>The rows at the given indices, in that order.</summary>
    public ReportFrame Select(int[] rows)
    {
        var f = new ReportFrame(Title).WithParametersOf(this);
        foreach (var c in _columns) f._columns.Add(c.Take(rows));
        return f;
    }

    /// <summary>
    /// Summary statistics of the numeric columns (count of non-NaN values, NaN count, mean,
    /// std with n−1, min, quartiles, max), one row per column.
    /// </summary>
    public ReportFrame Describe()
    {
        var numeric = _columns.Where(c => c.IsNumeric).ToList();
        var f = new ReportFrame($"{Title} (describe)");
        var stats = numeric.Select(c => Statistics.Summarize(Enumerable.Range(0, c.Length).Select(c.GetDouble))).ToList();
        f.Add("column", numeric.Select(c => c.Name).ToArray());
        f.Add("count", stats.Select(s => (long)s.Count).ToArray());
        f.Add("nan", stats.Select(s => (long)s.NaNCount).ToArray());
        f.Add("mean", stats.Select(s => s.Mean).ToArray());
        f.Add("std", stats.Select(s => s.Std).ToArray());
        f.Add("min", stats.Select(s => s.Min).ToArray());
        f.Add("q25", stats.Select(s => s.Q25).ToArray());
        f.Add("median", stats.Select(s => s.Median).ToArray());
        f.Add("q75", stats.Select(s => s.Q75).ToArray());
        f.Add("max", stats.Select(s => s.Max).ToArray());
        return f;
    }
}
