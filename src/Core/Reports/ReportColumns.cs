using Microsoft.Data.Analysis;

namespace MlNetConcepts.Reports;

/// <summary>
/// Building report columns from arrays and reading them back as typed arrays, with errors that
/// name the column. Reports use five column types: double (NaN kept: it means "undefined", e.g.
/// a dead neuron), int, long, bool and string.
/// </summary>
public static class ReportColumns
{
    /// <summary>A DataFrame column of the array's element type (double[], int[], long[], bool[] or string[]).</summary>
    public static DataFrameColumn Of(string name, Array values) => values switch
    {
        double[] a => new DoubleDataFrameColumn(name, a),
        int[] a => new Int32DataFrameColumn(name, a),
        long[] a => new Int64DataFrameColumn(name, a),
        bool[] a => new BooleanDataFrameColumn(name, a),
        string[] a => new StringDataFrameColumn(name, a),
        _ => throw new ArgumentException($"Column '{name}': unsupported value array {values.GetType().Name} (use double[], int[], long[], bool[] or string[]).", nameof(values)),
    };

    /// <summary>A table of columns of equal length and distinct names; <paramref name="title"/> names it in errors.</summary>
    public static DataFrame Table(string title, params DataFrameColumn[] columns)
    {
        for (int i = 0; i < columns.Length; i++)
        {
            if (columns[i].Length != columns[0].Length)
                throw new ArgumentException($"Column '{columns[i].Name}' has {columns[i].Length} rows but column '{columns[0].Name}' of report '{title}' has {columns[0].Length}.", nameof(columns));
            for (int j = 0; j < i; j++)
                if (columns[j].Name == columns[i].Name)
                    throw new ArgumentException($"Report '{title}' has two columns named '{columns[i].Name}'.", nameof(columns));
        }
        return new DataFrame(columns);
    }

    /// <summary>Adds a column to a table (same length as the table's columns), returning the table.</summary>
    public static DataFrame With(this DataFrame table, string name, Array values)
    {
        if (table.Columns.Count > 0 && values.Length != table.Rows.Count)
            throw new ArgumentException($"Column '{name}' has {values.Length} rows but the table has {table.Rows.Count}.", nameof(values));
        if (table.Columns.IndexOf(name) >= 0) throw new ArgumentException($"The table already has a column '{name}'.", nameof(name));
        table.Columns.Add(Of(name, values));
        return table;
    }

    /// <summary>The named column; a clear error listing the columns when absent.</summary>
    public static DataFrameColumn Column(this DataFrame table, string name)
    {
        int i = table.Columns.IndexOf(name);
        if (i < 0) throw new ConceptDataException($"The table has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))}).");
        return table.Columns[i];
    }

    /// <summary>A double column's values (NaN kept).</summary>
    public static double[] Doubles(this DataFrame table, string name) => Values<double>(table, name);

    /// <summary>An int column's values.</summary>
    public static int[] Int32s(this DataFrame table, string name) => Values<int>(table, name);

    /// <summary>A long column's values.</summary>
    public static long[] Int64s(this DataFrame table, string name) => Values<long>(table, name);

    /// <summary>A bool column's values.</summary>
    public static bool[] Booleans(this DataFrame table, string name) => Values<bool>(table, name);

    /// <summary>A string column's values (null as null).</summary>
    public static string?[] Strings(this DataFrame table, string name)
    {
        var c = table.Column(name) as StringDataFrameColumn
            ?? throw new ConceptDataException($"Column '{name}' holds {table.Column(name).DataType.Name}, not String.");
        var a = new string?[c.Length];
        for (long i = 0; i < c.Length; i++) a[i] = c[i];
        return a;
    }

    /// <summary>The same table restricted to the named columns, in the given order (copies).</summary>
    public static DataFrame SelectColumns(this DataFrame table, params string[] names)
        => new(names.Select(n => table.Column(n).Clone()));

    private static T[] Values<T>(DataFrame table, string name) where T : unmanaged
    {
        var c = table.Column(name) as PrimitiveDataFrameColumn<T>
            ?? throw new ConceptDataException($"Column '{name}' holds {table.Column(name).DataType.Name}, not {typeof(T).Name}.");
        var a = new T[c.Length];
        for (long i = 0; i < c.Length; i++)
            a[i] = c[i] ?? throw new ConceptDataException($"Column '{name}' has a missing value in row {i}; reports write NaN for undefined numbers, never null.");
        return a;
    }
}
