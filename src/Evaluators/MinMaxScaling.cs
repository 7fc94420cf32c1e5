namespace MlNetConcepts.Evaluators;

/// <summary>
/// Per-column min–max scaling ã_nk = (a_nk − min_n a_nk)/(max_n a_nk − min_n a_nk) (Pach et al. 2025,
/// no epsilon). A constant column has no scaling: its scores are NaN ("dead").
/// </summary>
public sealed class MinMaxScaling
{
    private MinMaxScaling(float[] min, float[] max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>Column minima.</summary>
    public float[] Min { get; }
    /// <summary>Column maxima.</summary>
    public float[] Max { get; }

    /// <summary>True when the column is constant (max = min), so ã is undefined.</summary>
    public bool IsConstant(int column) => Max[column] == Min[column];

    /// <summary>Starts an empty range for <paramref name="columns"/> columns, to be widened block by block with <see cref="Update"/>.</summary>
    public static MinMaxScaling Empty(int columns)
    {
        var min = new float[columns];
        var max = new float[columns];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        return new MinMaxScaling(min, max);
    }

    /// <summary>Widens the ranges with a block of rows (rows × columns, row-major).</summary>
    public void Update(ReadOnlySpan<float> block, int rows)
    {
        int cols = Min.Length;
        for (int r = 0; r < rows; r++)
        {
            var row = block.Slice(r * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.Min(Min, row, Min);
            System.Numerics.Tensors.TensorPrimitives.Max(Max, row, Max);
        }
    }

    /// <summary>Finds the range of every column in one pass.</summary>
    public static MinMaxScaling Fit(DenseMatrix a)
    {
        var min = new float[a.Cols];
        var max = new float[a.Cols];
        a.Row(0).CopyTo(min);
        a.Row(0).CopyTo(max);
        for (int r = 1; r < a.Rows; r++)
        {
            var row = a.Row(r);
            System.Numerics.Tensors.TensorPrimitives.Min(min, row, min);
            System.Numerics.Tensors.TensorPrimitives.Max(max, row, max);
        }
        return new MinMaxScaling(min, max);
    }

    /// <summary>ã of one value (0 for a constant column; callers mark such columns NaN).</summary>
    public double Scale(int column, float value)
    {
        double range = (double)Max[column] - Min[column];
        return range == 0 ? 0 : (value - (double)Min[column]) / range;
    }
}
