using Microsoft.ML;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Transforms.Steering;

/// <summary><c>mlContext.Transforms.SteerConcepts(…)</c>.</summary>
public static class SteeringCatalogExtensions
{
    /// <summary>
    /// Runs the ONNX model at <paramref name="modelPath"/> on <paramref name="inputColumnName"/> with
    /// SAE concepts clamped at <paramref name="tensor"/> (Pach et al. 2025, sec. 3.3) and writes the
    /// model's first output after the tensor to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The steered model output.</param>
    /// <param name="inputColumnName">The model input, one flattened row per sample (null: <paramref name="outputColumnName"/>).</param>
    /// <param name="modelPath">The ONNX model.</param>
    /// <param name="tensor">The steered tensor (name or <c>block:i</c>).</param>
    /// <param name="sae">The SAE, on the tensor's token width.</param>
    /// <param name="interventions">Changes to concepts, applied in order to every token.</param>
    public static SteeringEstimator SteerConcepts(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName,
        string modelPath, string tensor, SaeTransformer sae, params ConceptIntervention[] interventions)
        => catalog.SteerConcepts(outputColumnName, inputColumnName, new SteeringOptions { ModelPath = modelPath, Tensor = tensor, Sae = sae, Interventions = interventions });

    /// <summary>As above, every setting in <paramref name="options"/>.</summary>
    public static SteeringEstimator SteerConcepts(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName, SteeringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new SteeringEstimator(outputColumnName, inputColumnName ?? outputColumnName, options);
    }
}
