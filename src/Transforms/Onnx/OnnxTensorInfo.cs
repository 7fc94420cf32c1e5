namespace MlNetConcepts.Transforms.Onnx;

/// <summary>ONNX tensor element types (<c>ONNXTensorElementDataType</c>), the ones this library meets.</summary>
public enum OnnxElementType
{
    /// <summary>Not a tensor, or a type not listed here.</summary>
    Undefined = 0,
    /// <summary>float32.</summary>
    Float = 1,
    /// <summary>uint8.</summary>
    UInt8 = 2,
    /// <summary>int8.</summary>
    Int8 = 3,
    /// <summary>int32.</summary>
    Int32 = 6,
    /// <summary>int64.</summary>
    Int64 = 7,
    /// <summary>string.</summary>
    String = 8,
    /// <summary>bool.</summary>
    Bool = 9,
    /// <summary>IEEE float16.</summary>
    Float16 = 10,
    /// <summary>float64.</summary>
    Double = 11,
    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}

/// <summary>
/// A model input or output as the session declares it: name, element type and dimensions
/// (-1 for a dynamic dimension, whose symbolic name, when the model has one, is in
/// <see cref="SymbolicDims"/>).
/// </summary>
/// <param name="Name">Tensor name.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Dims">Dimensions; -1 where dynamic.</param>
/// <param name="SymbolicDims">Symbolic names of the dimensions ("" where none).</param>
public sealed record OnnxTensorInfo(string Name, OnnxElementType ElementType, long[] Dims, string[] SymbolicDims)
{
    /// <summary>Shape as text, e.g. <c>[batch,3,224,224]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Dims.Select((d, i) => d >= 0 ? d.ToString() : SymbolicDims.ElementAtOrDefault(i) is { Length: > 0 } s ? s : "?")) + "]";
}
