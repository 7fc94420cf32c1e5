using MlNetConcepts.Data;
using MlNetConcepts.Models;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// Fitted transformers applied in order; the result of <see cref="EstimatorChain{TLast}.Fit"/>.
/// Saves as one archive entry whose children are the steps.
/// </summary>
public sealed class TransformerChain<TLast> : IConceptTransformer, ISavableComponent
    where TLast : class, IConceptTransformer
{
    /// <summary>The component kind written to the manifest.</summary>
    public const string Kind = "chain";

    /// <summary>Wraps the given steps (at least one; the last one must be a <typeparamref name="TLast"/>).</summary>
    public TransformerChain(IReadOnlyList<IConceptTransformer> steps)
    {
        if (steps.Count == 0) throw new ArgumentException("A chain needs at least one step.", nameof(steps));
        Steps = steps;
        LastTransformer = steps[^1] as TLast
            ?? throw new ArgumentException($"The last step is a {steps[^1].GetType().Name}, not a {typeof(TLast).Name}.", nameof(steps));
    }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<IConceptTransformer> Steps { get; }

    /// <summary>The last step, typed (as ML.NET's LastTransformer).</summary>
    public TLast LastTransformer { get; }

    /// <inheritdoc />
    public string ComponentKind => Kind;

    /// <inheritdoc />
    public ViewSchema GetOutputSchema(ViewSchema inputSchema)
    {
        var s = inputSchema;
        foreach (var t in Steps) s = t.GetOutputSchema(s);
        return s;
    }

    /// <inheritdoc />
    public IConceptView Transform(IConceptView input)
    {
        var v = input;
        foreach (var t in Steps) v = t.Transform(v);
        return v;
    }

    /// <summary>A chain with one more step at the end.</summary>
    public TransformerChain<T> Append<T>(T next) where T : class, IConceptTransformer
        => new(Steps.Append(next).ToArray());

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        context.Options["steps"] = Steps.Count;
        for (int i = 0; i < Steps.Count; i++)
        {
            if (Steps[i] is not ISavableComponent s)
                throw new ConceptDataException($"Chain step {i} ({Steps[i].GetType().Name}) cannot be saved.");
            context.SaveChild($"step_{i}", s);
        }
    }

    /// <summary>Registers the chain's loader.</summary>
    internal static void Register(ModelLoaderRegistry registry) => registry.Register(Kind, 1, ctx =>
    {
        // The step count comes from the manifest: it must match the children saved with it.
        int n = ctx.Option<int>("steps");
        if (n < 0 || n != ctx.ChildCount)
            throw new ConceptDataException($"{ctx.Source}: the chain declares {n} steps but {ctx.ChildCount} are saved.");
        var steps = new IConceptTransformer[n];
        for (int i = 0; i < n; i++) steps[i] = (IConceptTransformer)ctx.LoadChild($"step_{i}");
        return new TransformerChain<IConceptTransformer>(steps);
    });
}
