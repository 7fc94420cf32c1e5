namespace MlNetConcepts.Transforms.Onnx.Split;

/// <summary>
/// An ONNX model cut in two at a tensor (<see cref="OnnxGraphSplit.Split(string, string)"/>):
/// running <see cref="Head"/>, then <see cref="Tail"/> on the head's outputs, gives the whole
/// model's outputs. Both halves are self-contained ModelProto bytes (weights inline).
/// </summary>
public sealed record OnnxSplit
{
    /// <summary>The head: the model's inputs it reads → <see cref="HeadOutputs"/>.</summary>
    public required byte[] Head { get; init; }
    /// <summary>The tail: <see cref="Tensor"/>, <see cref="Crossing"/> and <see cref="TailModelInputs"/> → <see cref="TailOutputs"/>.</summary>
    public required byte[] Tail { get; init; }
    /// <summary>The tensor the model was cut at: the head's first output and the tail's first input.</summary>
    public required OnnxTensorInfo Tensor { get; init; }
    /// <summary>
    /// Other tensors computed before the cut and read after it (skip connections, masks, shapes),
    /// with type and shape: head outputs and tail inputs of the same name.
    /// </summary>
    public required IReadOnlyList<OnnxTensorInfo> Crossing { get; init; }
    /// <summary>Inputs of the whole model the tail reads directly (fed to it as given to the head).</summary>
    public required IReadOnlyList<string> TailModelInputs { get; init; }
    /// <summary>Inputs of the whole model the head reads.</summary>
    public required IReadOnlyList<string> HeadModelInputs { get; init; }
    /// <summary>Every head output: <see cref="Tensor"/>, <see cref="Crossing"/>, then the model's outputs computed before the cut.</summary>
    public required IReadOnlyList<string> HeadOutputs { get; init; }
    /// <summary>The model's outputs that depend on <see cref="Tensor"/>, in the model's order.</summary>
    public required IReadOnlyList<string> TailOutputs { get; init; }
}
