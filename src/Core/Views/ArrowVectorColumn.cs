using Apache.Arrow;
using Apache.Arrow.Types;
using Microsoft.ML.Data;

namespace MlNetConcepts.Views;

/// <summary>
/// A float vector column over an Arrow <c>FixedSizeList&lt;float32&gt;</c> column, or a <c>List&lt;float32&gt;</c> whose
/// rows all have the same length. Each record batch stores its rows as one contiguous float buffer. With a single
/// batch, blocks are spans into that buffer (zero-copy); with several, a block is copied out of the batches it
/// covers (a block may straddle batches).
/// </summary>
internal sealed class ArrowVectorColumn : ConceptColumn, IDisposable
{
    private readonly ArrowBatches _batches;
    private readonly int _fieldIndex;
    private bool _disposed;

    private ArrowVectorColumn(string name, ArrowBatches batches, int fieldIndex, int width)
        : base(name, new VectorDataViewType(NumberDataViewType.Single, width), batches.Rows)
    {
        _batches = batches.Retain();
        _fieldIndex = fieldIndex;
    }

    /// <summary>True for a field this column can read (float32 items in a fixed-size or variable list).</summary>
    public static bool IsVectorField(Field field)
        => field.DataType is FixedSizeListType { ValueDataType: FloatType } or ListType { ValueDataType: FloatType };

    /// <summary>
    /// The column of field <paramref name="fieldIndex"/>, named <paramref name="name"/>. Checks every batch: no null
    /// rows or values, and for a variable list every row as long as the first (the error names the first that is not).
    /// </summary>
    public static ArrowVectorColumn Open(string name, ArrowBatches batches, int fieldIndex)
    {
        var field = batches.Schema.GetFieldByIndex(fieldIndex);
        int width = field.DataType is FixedSizeListType f ? f.ListSize : -1;
        for (int b = 0; b < batches.Batches.Length; b++)
        {
            var array = (Apache.Arrow.Array)batches.Batches[b].Column(fieldIndex);
            long first = batches.BatchStart[b];
            if (array.NullCount > 0)
                throw new ConceptDataException($"{batches.Path}: column '{field.Name}' has a null row at row {first + FirstNull(array, 0, array.Length)}; a vector column needs a vector in every row.");
            if (array is ListArray list)
            {
                for (int i = 0; i < list.Length; i++)
                {
                    int length = list.GetValueLength(i);
                    if (width < 0) width = length;
                    else if (length != width)
                        throw new ConceptDataException($"{batches.Path}: column '{field.Name}' is a list of float32 whose rows differ in length: row {first + i} has {length} values but the rows before it have {width}.");
                }
            }
            var (values, start, count) = Slice(array, width);
            if (values.NullCount > 0 && FirstNull(values, start, count) is int at and >= 0)
                throw new ConceptDataException($"{batches.Path}: column '{field.Name}' has a null value in row {first + (at - start) / Math.Max(1, width)}; fill it before loading.");
        }
        if (width < 1)
            throw new ConceptDataException($"{batches.Path}: column '{field.Name}' {(width == 0 ? "has vectors of length 0" : "is a list with no rows, so its width is unknown")}; a vector column needs at least one value per row.");
        return new ArrowVectorColumn(name, batches, fieldIndex, width);
    }

    /// <inheritdoc />
    public override bool BlocksAreViews => _batches.Batches.Length == 1;

    /// <inheritdoc />
    public override ReadOnlySpan<float> DenseBlock(long start, int count, scoped ref float[]? scratch)
    {
        CheckRange(start, count);
        int w = Width;
        if (BlocksAreViews) return Floats(0).Slice(checked((int)start * w), checked(count * w));
        int n = checked(count * w);
        if (scratch is null || scratch.Length < n) scratch = new float[n];
        int b = System.Array.BinarySearch(_batches.BatchStart, start);
        if (b < 0) b = ~b - 1;
        int written = 0;
        for (long row = start; written < n; b++)
        {
            long end = _batches.BatchStart[b + 1];
            if (end <= row) continue; // an empty batch
            int from = (int)(row - _batches.BatchStart[b]);
            int take = (int)Math.Min(end - row, count - written / w);
            Floats(b).Slice(from * w, take * w).CopyTo(scratch.AsSpan(written));
            written += take * w;
            row += take;
        }
        return scratch.AsSpan(0, n);
    }

    /// <summary>The rows of batch <paramref name="b"/>, row-major, straight from its buffer.</summary>
    private ReadOnlySpan<float> Floats(int b)
    {
        var (values, start, count) = Slice((Apache.Arrow.Array)_batches.Batches[b].Column(_fieldIndex), Width);
        return values.Values.Slice(start, count);
    }

    /// <summary>The float child array of a list column and where the rows' values lie in it.</summary>
    private static (FloatArray Values, int Start, int Count) Slice(Apache.Arrow.Array array, int width) => array switch
    {
        FixedSizeListArray f => ((FloatArray)f.Values, f.Offset * width, f.Length * width),
        ListArray l => ((FloatArray)l.Values, l.ValueOffsets[0], l.ValueOffsets[l.Length] - l.ValueOffsets[0]),
        _ => throw new InvalidOperationException($"Unexpected Arrow array {array.GetType().Name}."),
    };

    private static int FirstNull(Apache.Arrow.Array array, int start, int count)
    {
        for (int i = start; i < start + count; i++)
            if (array.IsNull(i)) return i;
        return -1;
    }

    /// <summary>Lets go of the batches.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _batches.Dispose();
    }
}
