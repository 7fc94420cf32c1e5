using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// Estimator of <see cref="SteeringTransformer"/>: nothing is learned (the SAE is already
/// fitted); <see cref="Fit"/> splits the model, checks the input column, the token width against
/// the SAE and the interventions, and returns the transformer.
/// </summary>
public sealed class SteeringEstimator(string outputColumnName, string inputColumnName, SteeringOptions options) : IEstimator<SteeringTransformer>
{
    /// <summary>The settings.</summary>
    public SteeringOptions Options { get; } = options;

    /// <inheritdoc />
    public SteeringTransformer Fit(IDataView input)
    {
        var t = new SteeringTransformer(outputColumnName, inputColumnName, Options);
        try { t.CheckInput(input.Schema); }
        catch { t.Dispose(); throw; }
        return t;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var found = inputSchema.Where(c => c.Name == inputColumnName).ToList();
        if (found.Count == 0) throw new ConceptDataException($"column '{inputColumnName}' is not in the data.");
        var col = found[^1];
        if (col.Kind != SchemaShape.Column.VectorKind.Vector || col.ItemType != NumberDataViewType.Single)
            throw new ConceptDataException($"column '{inputColumnName}' is not a fixed-size vector of Single.");
        ConceptSteering.Validate(Options.Sae, Options.Interventions);
        // SchemaShape.Column cannot be built outside ML.NET; Concatenate of the input column
        // declares exactly the shape of the output (a known-size vector of Single).
        return new MLContext().Transforms.Concatenate(outputColumnName, inputColumnName).GetOutputSchema(inputSchema);
    }
}
