using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>A dense float vector column over a row-major array held in memory; blocks are slices of it.</summary>
public sealed class DenseArrayColumn : ConceptColumn
{
    private readonly float[] _data;

    /// <summary>Wraps <paramref name="data"/> (rows × <paramref name="width"/>, row-major) without copying.</summary>
    public DenseArrayColumn(string name, float[] data, int width, IReadOnlyList<string>? slotNames = null)
        : base(name, new VectorDataViewType(NumberDataViewType.Single, CheckWidth(name, data, width)), data.LongLength / width, slotNames)
        => _data = data;

    private static int CheckWidth(string name, float[] data, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (width < 1) throw new ConceptDataException($"Column '{name}': the width must be at least 1, got {width}.");
        if (data.LongLength % width != 0) throw new ConceptDataException($"Column '{name}': {data.LongLength} values do not form rows of width {width}.");
        return width;
    }

    /// <summary>The whole array.</summary>
    public float[] Data => _data;

    /// <inheritdoc />
    public override bool BlocksAreViews => true;

    /// <inheritdoc />
    public override ReadOnlySpan<float> DenseBlock(long start, int count, scoped ref float[]? scratch)
    {
        CheckRange(start, count);
        return _data.AsSpan(checked((int)(start * Width)), checked(count * Width));
    }

    /// <inheritdoc />
    public override bool TryDenseMemory(long start, int count, out ReadOnlyMemory<float> rows)
    {
        CheckRange(start, count);
        rows = _data.AsMemory(checked((int)(start * Width)), checked(count * Width));
        return true;
    }
}
