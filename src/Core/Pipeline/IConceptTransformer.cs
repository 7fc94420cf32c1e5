using MlNetConcepts.Data;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// A fitted component that maps a view to a new view (ML.NET's ITransformer): the output
/// schema is known from the input schema alone, and the work happens lazily when the
/// returned view is read.
/// </summary>
public interface IConceptTransformer
{
    /// <summary>The schema <see cref="Transform"/> would produce for this input schema; throws a clear error for unsuitable input.</summary>
    ViewSchema GetOutputSchema(ViewSchema inputSchema);

    /// <summary>A lazy view with the transformer's columns added to the input's.</summary>
    IConceptView Transform(IConceptView input);
}

/// <summary>
/// An untrained component (ML.NET's IEstimator): <see cref="Fit"/> reads data and returns the
/// fitted transformer.
/// </summary>
public interface IConceptEstimator<out TTransformer> where TTransformer : IConceptTransformer
{
    /// <summary>Trains on <paramref name="input"/> and returns the fitted transformer.</summary>
    TTransformer Fit(IConceptView input);

    /// <summary>The schema the fitted transformer will produce for this input schema.</summary>
    ViewSchema GetOutputSchema(ViewSchema inputSchema);
}
