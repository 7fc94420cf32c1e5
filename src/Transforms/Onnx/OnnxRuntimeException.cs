namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// An error reported by ONNX Runtime, carrying its code and message with the model's name in front.
/// It derives from <see cref="ConceptDataException"/> because nearly all of them come from the
/// user's model or input (missing file, invalid protobuf, wrong input dimensions, unknown output).
/// </summary>
public sealed class OnnxRuntimeException : ConceptDataException
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException(int code, string message, Exception? inner = null) : base(message, inner!) => Code = code;

    /// <summary>ORT's <c>OrtErrorCode</c> (e.g. 2 invalid argument, 3 no such file, 7 invalid protobuf).</summary>
    public int Code { get; }
}
