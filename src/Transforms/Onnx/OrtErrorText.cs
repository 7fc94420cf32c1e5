namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// Reads the error code out of the managed API's exception text. Its <c>OnnxRuntimeException</c>
/// does not expose the code, but every message starts with <c>[ErrorCode:Name]</c>, where Name is
/// an <c>OrtErrorCode</c> member in the C API's order.
/// </summary>
internal static class OrtErrorText
{
    // OrtErrorCode members from 1 (ORT_FAIL) on, as the managed API spells them.
    private static readonly string[] Names =
    [
        "Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError", "RuntimeException", "InvalidProtobuf",
        "ModelLoaded", "NotImplemented", "InvalidGraph", "ShapeInferenceNotRegistered", "RequirementNotRegistered",
    ];

    /// <summary>The code (1 = generic failure when the prefix is missing or unknown) and the message without the prefix.</summary>
    public static (int Code, string Message) Split(string text)
    {
        const string Prefix = "[ErrorCode:";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return (1, text);
        int end = text.IndexOf(']', Prefix.Length);
        if (end < 0) return (1, text);
        int i = Array.IndexOf(Names, text[Prefix.Length..end]);
        return (i < 0 ? 1 : i + 1, text[(end + 1)..].TrimStart());
    }
}
