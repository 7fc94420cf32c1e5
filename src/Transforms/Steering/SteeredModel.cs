using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Onnx;
using MlNetConcepts.Transforms.Onnx.Split;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// An ONNX model split at a tensor (<see cref="OnnxGraphSplit"/>) whose tokens there can be
/// edited (<see cref="ITokenEdit"/>: SAE concepts, a direction) before the rest of the model runs.
/// </summary>
public sealed class SteeredModel : IDisposable
{
    private readonly SplitModel _model;

    /// <summary>Splits <paramref name="modelPath"/> at <paramref name="tensor"/> (a name or <c>block:i</c>) and opens both halves.</summary>
    public SteeredModel(string modelPath, string tensor, OnnxSessionOptions? options = null)
    {
        ModelPath = modelPath;
        Split = OnnxGraphSplit.Split(modelPath, tensor);
        _model = new SplitModel(Split, modelPath, options);
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }
    /// <summary>The split.</summary>
    public OnnxSplit Split { get; }
    /// <summary>The steered tensor's name.</summary>
    public string Tensor => Split.Tensor.Name;

    /// <summary>
    /// Runs the model with <paramref name="edit"/> applied to the steered tensor's tokens (null:
    /// unchanged) and returns <paramref name="outputs"/>; a token width other than the edit's is
    /// an error naming the tensor.
    /// </summary>
    public NdArray[] Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string> outputs, ITokenEdit? edit = null)
        => _model.Run(inputs, outputs, edit is null ? null : (values, shape) => TokenLayout.Edit(Tensor, values, shape, edit));

    /// <summary>The steered tensor itself (only the head runs).</summary>
    public NdArray Tokens(IReadOnlyList<OnnxInput> inputs) => _model.Run(inputs, [Tensor])[0];

    /// <summary>Releases the sessions.</summary>
    public void Dispose() => _model.Dispose();
}
