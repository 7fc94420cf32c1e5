using System.Globalization;

namespace MlNetConcepts.Reports;

/// <summary>
/// One typed column of a <see cref="ReportFrame"/>: a name and an array of doubles, ints,
/// longs, booleans or strings. NaN doubles are kept (they mean "undefined", e.g. a dead neuron).
/// </summary>
public sealed class FrameColumn
{
    internal FrameColumn(string name, Array values)
    {
        Name = name;
        Values = values;
        Kind = values switch
        {
            double[] => DataKind.Float64,
            int[] => DataKind.Int32,
            long[] => DataKind.Int64,
            bool[] => DataKind.Boolean,
            string[] => DataKind.String,
            _ => throw new ArgumentException($"Column '{name}': unsupported value array {values.GetType().Name} (use double[], int[], long[], bool[] or string[])."),
        };
    }

    /// <summary>Column name.</summary>
    public string Name { get; }
    /// <summary>Element type.</summary>
    public DataKind Kind { get; }
    /// <summary>The values (typed array).</summary>
    public Array Values { get; }
    /// <summary>Number of rows.</summary>
    public int Length => Values.Length;
    /// <summary>True for double, int and long columns.</summary>
    public bool IsNumeric => Kind is DataKind.Float64 or DataKind.Int32 or DataKind.Int64;

    /// <summary>A value as double (numeric and boolean columns).</summary>
    public double GetDouble(int row) => Values switch
    {
        double[] a => a[row],
        int[] a => a[row],
        long[] a => a[row],
        bool[] a => a[row] ? 1 : 0,
        _ => throw new InvalidOperationException($"Column '{Name}' is not numeric."),
    };

    /// <summary>A value as invariant text (round-trippable for doubles; NaN as "NaN").</summary>
    public string Format(int row) => Values switch
    {
        double[] a => a[row].ToString("R", CultureInfo.InvariantCulture),
        int[] a => a[row].ToString(CultureInfo.InvariantCulture),
        long[] a => a[row].ToString(CultureInfo.InvariantCulture),
        bool[] a => a[row] ? "true" : "false",
        string[] a => a[row] ?? "",
        _ => "",
    };

    /// <summary>A short display form (doubles to 4 significant decimals).</summary>
    public string Display(int row) => Values is double[] d
        ? (double.IsNaN(d[row]) ? "NaN" : d[row].ToString("0.####", CultureInfo.InvariantCulture))
        : Format(row);

    internal FrameColumn Take(int[] rows) => new(Name, Values switch
    {
        double[] a => rows.Select(i => a[i]).ToArray(),
        int[] a => rows.Select(i => a[i]).ToArray(),
        long[] a => rows.Select(i => a[i]).ToArray(),
        bool[] a => rows.Select(i => a[i]).ToArray(),
        string[] a => (Array)rows.Select(i => a[i]).ToArray(),
        _ => throw new InvalidOperationException(),
    });
}
