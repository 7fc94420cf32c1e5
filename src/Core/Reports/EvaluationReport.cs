using Microsoft.Data.Analysis;

namespace MlNetConcepts.Reports;

/// <summary>
/// What an evaluator returns: its rows as a <see cref="DataFrame"/> (itself an ML.NET
/// <c>IDataView</c>, so results feed further steps), a title for display, and the named scalars
/// it was computed with or summarised into (e.g. <c>samples</c>, <c>stability</c>). The table
/// is the data; title and parameters are what the JSON output writes beside it (docs/CLI-JSON.md).
/// </summary>
public sealed class EvaluationReport
{
    // Insertion order is the JSON key order, so the parameters live in a list, not a hash map.
    private readonly List<KeyValuePair<string, object?>> _parameters = new();

    /// <summary>A report of <paramref name="table"/> with a title and no parameters yet.</summary>
    public EvaluationReport(string title, DataFrame table)
    {
        Title = title;
        Table = table ?? throw new ArgumentNullException(nameof(table));
    }

    /// <summary>A report whose table is made of <paramref name="columns"/> (equal lengths, distinct names).</summary>
    public EvaluationReport(string title, params DataFrameColumn[] columns) : this(title, ReportColumns.Table(title, columns)) { }

    /// <summary>A report with an empty table, filled column by column with <see cref="Add"/>.</summary>
    public EvaluationReport(string title) : this(title, new DataFrame()) { }

    /// <summary>A title shown when printing.</summary>
    public string Title { get; }

    /// <summary>The rows.</summary>
    public DataFrame Table { get; }

    /// <summary>The parameters in the order they were added, with the typed values given (numbers stay numbers in JSON).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters => _parameters;

    /// <summary>Appends a column (double[], int[], long[], bool[] or string[]) to the table; lengths must agree.</summary>
    public EvaluationReport Add(string name, Array values)
    {
        try { Table.With(name, values); }
        catch (ArgumentException e) { throw new ArgumentException($"Report '{Title}': {e.Message}", nameof(values), e); }
        return this;
    }

    /// <summary>Copies every parameter of <paramref name="source"/> (returns this report).</summary>
    public EvaluationReport WithParametersOf(EvaluationReport source)
    {
        foreach (var (k, v) in source.Parameters) WithParameter(k, v);
        return this;
    }

    /// <summary>Adds or replaces a parameter (returns this report for chaining).</summary>
    public EvaluationReport WithParameter(string name, object? value)
    {
        int at = _parameters.FindIndex(p => p.Key == name);
        if (at >= 0) _parameters[at] = new(name, value);
        else _parameters.Add(new(name, value));
        return this;
    }

    /// <summary>True when the report has a parameter of that name.</summary>
    public bool HasParameter(string name) => _parameters.Exists(p => p.Key == name);

    /// <summary>A parameter's value as given; a clear error naming the report and its parameters when absent.</summary>
    public object? Parameter(string name)
    {
        foreach (var p in _parameters) if (p.Key == name) return p.Value;
        throw new ConceptDataException($"Report '{Title}' has no parameter '{name}' (parameters: {string.Join(", ", _parameters.Select(p => p.Key))}).");
    }

    /// <summary>A numeric parameter as double (ints and longs widen); a clear error when absent or not a number.</summary>
    public double NumericParameter(string name) => Parameter(name) switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        var other => throw new ConceptDataException($"Report '{Title}': parameter '{name}' is {other ?? "null"}, not a number."),
    };

    /// <summary>A parameter as invariant text (for messages and console output).</summary>
    public string ParameterText(string name) => Convert.ToString(Parameter(name), System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
