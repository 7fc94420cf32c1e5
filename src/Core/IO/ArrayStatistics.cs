namespace MlNetConcepts.IO;

/// <summary>
/// Summary statistics of an array's values, NaN-aware as numpy's <c>nanmin</c>/<c>nanmean</c>/
/// <c>nanmax</c>: NaNs are counted and left out of the minimum, mean and maximum. The sum and
/// mean are accumulated in float64. Min, mean and max are NaN when no value is left.
/// </summary>
/// <param name="Count">Number of elements, NaNs included.</param>
/// <param name="NaNCount">Number of NaN elements.</param>
/// <param name="Min">Smallest non-NaN value.</param>
/// <param name="Mean">Mean of the non-NaN values.</param>
/// <param name="Max">Largest non-NaN value.</param>
/// <param name="Sum">Sum of the non-NaN values.</param>
public readonly record struct ArrayStatistics(long Count, long NaNCount, double Min, double Mean, double Max, double Sum)
{
    /// <summary>Statistics of a whole array (any element type; bool counts as 0/1).</summary>
    public static ArrayStatistics Of(NdArray array)
    {
        var acc = new ArrayStatisticsAccumulator();
        acc.Add(array.Data);
        return acc.Result;
    }
}

/// <summary>Accumulates <see cref="ArrayStatistics"/> over blocks of values, so huge files can be summarised in one pass.</summary>
public sealed class ArrayStatisticsAccumulator
{
    private long _count, _nan;
    private double _sum, _min = double.PositiveInfinity, _max = double.NegativeInfinity;

    /// <summary>Adds float32 values.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        foreach (var v in values) Add((double)v);
    }

    /// <summary>Adds float64 values.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        foreach (var v in values) Add(v);
    }

    /// <summary>Adds the elements of a typed buffer as <see cref="NdArray.Data"/> holds them.</summary>
    public void Add(Array data)
    {
        switch (data)
        {
            case float[] a: Add(a.AsSpan()); break;
            case double[] a: Add(a.AsSpan()); break;
            case Half[] a: foreach (var v in a) Add((double)v); break;
            case ushort[] a: foreach (var v in a) Add((double)NdArray.BFloat16ToSingle(v)); break;
            case int[] a: foreach (var v in a) Add((double)v); break;
            case long[] a: foreach (var v in a) Add((double)v); break;
            case byte[] a: foreach (var v in a) Add((double)v); break;
            case bool[] a: foreach (var v in a) Add(v ? 1.0 : 0.0); break;
            default: throw new NotSupportedException($"Unknown buffer type {data.GetType()}.");
        }
    }

    private void Add(double v)
    {
        _count++;
        if (double.IsNaN(v)) { _nan++; return; }
        _sum += v;
        if (v < _min) _min = v;
        if (v > _max) _max = v;
    }

    /// <summary>The statistics of everything added so far.</summary>
    public ArrayStatistics Result
    {
        get
        {
            long n = _count - _nan;
            return n == 0
                ? new ArrayStatistics(_count, _nan, double.NaN, double.NaN, double.NaN, 0)
                : new ArrayStatistics(_count, _nan, _min, _sum / n, _max, _sum);
        }
    }
}
