using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>Settings of <see cref="SteeringEstimator"/> (<c>mlContext.Transforms.SteerConcepts</c>).</summary>
public sealed record SteeringOptions
{
    /// <summary>The ONNX model to steer.</summary>
    public required string ModelPath { get; init; }
    /// <summary>The tensor whose tokens are steered: a node output name, or <c>block:i</c> (see <c>mlnc model layers</c>).</summary>
    public required string Tensor { get; init; }
    /// <summary>A fitted SAE whose input width is the tensor's token width (e.g. from <c>SaeLensFormat.Import</c>).</summary>
    public required SaeTransformer Sae { get; init; }
    /// <summary>Changes to SAE concepts, applied in order to every token (Pach et al. 2025, sec. 3.3).</summary>
    public IReadOnlyList<ConceptIntervention> Interventions { get; init; } = [];
    /// <summary>Keep the SAE's reconstruction error: x' = x + decode(z') − decode(z) (default); false: x' = decode(z').</summary>
    public bool KeepReconstructionError { get; init; } = true;
    /// <summary>The model input the input column feeds (null: the model's only input).</summary>
    public string? ModelInput { get; init; }
    /// <summary>The model output written to the output column (null: the model's first output after the steered tensor).</summary>
    public string? ModelOutput { get; init; }
    /// <summary>Shape of one row of the model input without the batch dimension (null: from the model, which must then fix it).</summary>
    public IReadOnlyList<long>? InputShape { get; init; }
    /// <summary>ONNX Runtime settings.</summary>
    public OnnxSessionOptions Session { get; init; } = new() { IntraOpThreads = 1 };
}
