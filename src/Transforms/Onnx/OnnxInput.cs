namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// One input tensor for <see cref="OnnxSession.Run"/>: a name, a shape and managed data that ORT
/// reads in place (not copied; the session pins it for the duration of the call).
/// </summary>
public sealed class OnnxInput
{
    private OnnxInput(string name, OnnxElementType type, long[] shape, Array data)
    {
        long count = shape.Aggregate(1L, (a, d) => d < 0 ? throw new ConceptDataException($"input '{name}': negative dimension in shape [{string.Join(",", shape)}].") : checked(a * d));
        if (count != data.LongLength)
            throw new ConceptDataException($"input '{name}': shape [{string.Join(",", shape)}] needs {count} values but {data.LongLength} were given.");
        Name = name;
        ElementType = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>Input name in the model.</summary>
    public string Name { get; }
    /// <summary>Element type.</summary>
    public OnnxElementType ElementType { get; }
    /// <summary>Shape (row-major).</summary>
    public long[] Shape { get; }
    /// <summary>The values (float[], Half[], long[] or int[]).</summary>
    public Array Data { get; }

    /// <summary>A float32 tensor.</summary>
    public static OnnxInput Float(string name, float[] data, params long[] shape) => new(name, OnnxElementType.Float, shape, data);
    /// <summary>A float16 tensor.</summary>
    public static OnnxInput Float16(string name, Half[] data, params long[] shape) => new(name, OnnxElementType.Float16, shape, data);
    /// <summary>An int64 tensor (token ids).</summary>
    public static OnnxInput Int64(string name, long[] data, params long[] shape) => new(name, OnnxElementType.Int64, shape, data);
    /// <summary>An int32 tensor.</summary>
    public static OnnxInput Int32(string name, int[] data, params long[] shape) => new(name, OnnxElementType.Int32, shape, data);

    /// <summary>
    /// Converts float32 values to the element type a model input declares (float, float16,
    /// int64 or int32), so callers can feed one float buffer to models of any precision.
    /// </summary>
    public static OnnxInput FromFloats(string name, OnnxElementType type, float[] data, params long[] shape) => type switch
    {
        OnnxElementType.Float => Float(name, data, shape),
        OnnxElementType.Float16 => Float16(name, Array.ConvertAll(data, v => (Half)v), shape),
        OnnxElementType.Int64 => Int64(name, Array.ConvertAll(data, v => (long)v), shape),
        OnnxElementType.Int32 => Int32(name, Array.ConvertAll(data, v => (int)v), shape),
        _ => throw new ConceptDataException($"input '{name}': element type {type} is not supported (float, float16, int64, int32 are)."),
    };

    internal int ElementSize => ElementType switch
    {
        OnnxElementType.Float or OnnxElementType.Int32 => 4,
        OnnxElementType.Float16 => 2,
        OnnxElementType.Int64 => 8,
        _ => throw new InvalidOperationException(ElementType.ToString()),
    };
}
