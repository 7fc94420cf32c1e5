using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// A scalar column over an array: Int32, Int64, Single, Double, Boolean or String (handed to ML.NET as
/// <c>ReadOnlyMemory&lt;char&gt;</c>, its text type).
/// </summary>
public sealed class ScalarArrayColumn : ConceptColumn
{
    private readonly Array _values;

    private ScalarArrayColumn(string name, DataViewType type, Array values) : base(name, type, values.LongLength) => _values = values;

    /// <summary>An Int32 column.</summary>
    public static ScalarArrayColumn Int32(string name, int[] values) => new(name, NumberDataViewType.Int32, values);
    /// <summary>An Int64 column.</summary>
    public static ScalarArrayColumn Int64(string name, long[] values) => new(name, NumberDataViewType.Int64, values);
    /// <summary>A Single column.</summary>
    public static ScalarArrayColumn Single(string name, float[] values) => new(name, NumberDataViewType.Single, values);
    /// <summary>A Double column.</summary>
    public static ScalarArrayColumn Double(string name, double[] values) => new(name, NumberDataViewType.Double, values);
    /// <summary>A Boolean column.</summary>
    public static ScalarArrayColumn Boolean(string name, bool[] values) => new(name, BooleanDataViewType.Instance, values);
    /// <summary>A text column.</summary>
    public static ScalarArrayColumn Text(string name, string[] values) => new(name, TextDataViewType.Instance, values);

    /// <summary>The values (int[], long[], float[], double[], bool[] or string[]).</summary>
    public Array Values => _values;

    internal override ValueGetter<T> ScalarGetter<T>(Func<long> row)
    {
        if (_values is string[] text && typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            ValueGetter<ReadOnlyMemory<char>> g = (ref ReadOnlyMemory<char> v) => v = text[row()].AsMemory();
            return (ValueGetter<T>)(Delegate)g;
        }
        if (_values is T[] typed)
            return (ref T v) => v = typed[row()];
        throw new InvalidOperationException($"Column '{Name}' holds {Type}, not {typeof(T).Name}.");
    }
}
