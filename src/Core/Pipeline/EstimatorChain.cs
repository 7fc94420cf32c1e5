using MlNetConcepts.Data;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// Estimators in order (ML.NET's EstimatorChain). <see cref="Fit"/> fits each step on the
/// output of the steps before it, so a clusterer appended after an SAE sees the SAE's codes.
/// </summary>
public sealed class EstimatorChain<TLast> : IConceptEstimator<TransformerChain<TLast>>
    where TLast : class, IConceptTransformer
{
    private readonly IReadOnlyList<IConceptEstimator<IConceptTransformer>> _steps;

    internal EstimatorChain(IReadOnlyList<IConceptEstimator<IConceptTransformer>> steps) => _steps = steps;

    /// <summary>An empty-start chain with one estimator.</summary>
    public static EstimatorChain<TLast> Of(IConceptEstimator<TLast> first) => new([first]);

    /// <summary>A chain with one more estimator at the end.</summary>
    public EstimatorChain<T> Append<T>(IConceptEstimator<T> next) where T : class, IConceptTransformer
        => new(_steps.Append(next).ToArray());

    /// <inheritdoc />
    public TransformerChain<TLast> Fit(IConceptView input)
    {
        var fitted = new List<IConceptTransformer>(_steps.Count);
        var view = input;
        foreach (var step in _steps)
        {
            var t = step.Fit(view);
            fitted.Add(t);
            view = t.Transform(view);
        }
        return new TransformerChain<TLast>(fitted);
    }

    /// <inheritdoc />
    public ViewSchema GetOutputSchema(ViewSchema inputSchema)
    {
        var s = inputSchema;
        foreach (var e in _steps) s = e.GetOutputSchema(s);
        return s;
    }
}

/// <summary>Chaining verbs for single estimators and transformers.</summary>
public static class ChainExtensions
{
    /// <summary>Starts a chain: this estimator, then <paramref name="next"/>.</summary>
    public static EstimatorChain<T> Append<T>(this IConceptEstimator<IConceptTransformer> first, IConceptEstimator<T> next)
        where T : class, IConceptTransformer
        => new([first, next]);

    /// <summary>Starts a fitted chain: this transformer, then <paramref name="next"/>.</summary>
    public static TransformerChain<T> Append<T>(this IConceptTransformer first, T next)
        where T : class, IConceptTransformer
        => new([first, next]);
}
