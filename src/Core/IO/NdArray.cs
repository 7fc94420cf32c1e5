namespace MlNetConcepts.IO;

/// <summary>Element types that the file readers understand (numpy / safetensors names in the docs).</summary>
public enum NdType
{
    /// <summary>float32 (<c>&lt;f4</c>, F32).</summary>
    Float32,
    /// <summary>float64 (<c>&lt;f8</c>, F64).</summary>
    Float64,
    /// <summary>IEEE half (<c>&lt;f2</c>, F16).</summary>
    Float16,
    /// <summary>bfloat16 (BF16), stored as raw 16-bit patterns.</summary>
    BFloat16,
    /// <summary>int32 (<c>&lt;i4</c>, I32).</summary>
    Int32,
    /// <summary>int64 (<c>&lt;i8</c>, I64).</summary>
    Int64,
    /// <summary>uint8 (<c>|u1</c>, U8).</summary>
    UInt8,
    /// <summary>bool (<c>|b1</c>, BOOL).</summary>
    Bool,
}

/// <summary>
/// An n-dimensional array held in memory: a C-order (row-major) typed buffer and a shape.
/// <see cref="Data"/> is a <c>float[]</c>, <c>double[]</c>, <c>Half[]</c>, <c>ushort[]</c>
/// (bfloat16 bits), <c>int[]</c>, <c>long[]</c>, <c>byte[]</c> or <c>bool[]</c> matching
/// <see cref="Type"/>. Conversions to float, double and long are provided for every type.
/// </summary>
public sealed class NdArray
{
    /// <summary>Wraps a typed buffer; the buffer length must equal the product of the shape.</summary>
    public NdArray(NdType type, long[] shape, Array data)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ConceptDataException($"Negative dimension in shape ({string.Join(", ", shape)}).");
            n = checked(n * d);
        }
        if (data.LongLength != n)
            throw new ConceptDataException($"Shape ({string.Join(", ", shape)}) needs {n} elements but {data.LongLength} were given.");
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>A float32 array.</summary>
    public static NdArray FromFloats(float[] data, params long[] shape) => new(NdType.Float32, shape, data);
    /// <summary>An int64 array.</summary>
    public static NdArray FromInt64s(long[] data, params long[] shape) => new(NdType.Int64, shape, data);
    /// <summary>An int32 array.</summary>
    public static NdArray FromInt32s(int[] data, params long[] shape) => new(NdType.Int32, shape, data);

    /// <summary>Element type.</summary>
    public NdType Type { get; }
    /// <summary>Dimensions, outermost first.</summary>
    public long[] Shape { get; }
    /// <summary>Typed C-order buffer.</summary>
    public Array Data { get; }
    /// <summary>Number of elements.</summary>
    public long Length => Data.LongLength;
    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Shape as text, e.g. "(3, 4)".</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>A shape as Python writes a tuple: "(3, 4)", "(5,)" or "()".</summary>
    public static string FormatShape(IReadOnlyList<long> shape) => "(" + string.Join(", ", shape) + (shape.Count == 1 ? ",)" : ")");

    /// <summary>Rows and columns of a 2-D array (a 1-D array is one column); a clear error otherwise.</summary>
    public (int Rows, int Cols) Matrix2D(string what)
    {
        if (Rank == 2) return (checked((int)Shape[0]), checked((int)Shape[1]));
        if (Rank == 1) return (checked((int)Shape[0]), 1);
        throw new ConceptDataException($"{what}: expected a 2-D array (rows × columns) but the shape is {ShapeText}.");
    }

    /// <summary>The values as float32 (the buffer itself when already float32).</summary>
    public float[] ToFloat32() => Data switch
    {
        float[] a => a,
        double[] a => Array.ConvertAll(a, v => (float)v),
        Half[] a => Array.ConvertAll(a, v => (float)v),
        ushort[] a => Array.ConvertAll(a, BFloat16ToSingle),
        int[] a => Array.ConvertAll(a, v => (float)v),
        long[] a => Array.ConvertAll(a, v => (float)v),
        byte[] a => Array.ConvertAll(a, v => (float)v),
        bool[] a => Array.ConvertAll(a, v => v ? 1f : 0f),
        _ => throw new InvalidOperationException("Unknown buffer type."),
    };

    /// <summary>The values as float64.</summary>
    public double[] ToFloat64() => Data switch
    {
        double[] a => a,
        _ => Array.ConvertAll(ToFloat32OrExact(), v => v),
    };

    private double[] ToFloat32OrExact() => Data switch
    {
        long[] a => Array.ConvertAll(a, v => (double)v),
        int[] a => Array.ConvertAll(a, v => (double)v),
        _ => Array.ConvertAll(ToFloat32(), v => (double)v),
    };

    /// <summary>The values as int64; float values must be integral.</summary>
    public long[] ToInt64() => Data switch
    {
        long[] a => a,
        int[] a => Array.ConvertAll(a, v => (long)v),
        byte[] a => Array.ConvertAll(a, v => (long)v),
        bool[] a => Array.ConvertAll(a, v => v ? 1L : 0L),
        _ => Array.ConvertAll(ToFloat64(), v => v == Math.Floor(v) && !double.IsInfinity(v)
            ? (long)v
            : throw new ConceptDataException($"Value {v} is not an integer.")),
    };

    /// <summary>The values as int32 (range-checked).</summary>
    public int[] ToInt32() => Data is int[] a ? a : Array.ConvertAll(ToInt64(), v => checked((int)v));

    /// <summary>Converts a bfloat16 bit pattern to float (bfloat16 is the top half of a float32).</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>The numpy-style name of an element type.</summary>
    public static string NumpyName(NdType t) => t switch
    {
        NdType.Float32 => "float32", NdType.Float64 => "float64", NdType.Float16 => "float16",
        NdType.BFloat16 => "bfloat16", NdType.Int32 => "int32", NdType.Int64 => "int64",
        NdType.UInt8 => "uint8", _ => "bool",
    };
}
