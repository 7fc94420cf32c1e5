using MlNetConcepts.Compute;
using MlNetConcepts.Data;
using MlNetConcepts.Models;

namespace MlNetConcepts.Pipeline;

/// <summary>
/// The entry point (the counterpart of ML.NET's MLContext): a seed for everything random and
/// catalogs whose verbs create estimators, evaluators and loaders. The component assemblies add
/// their verbs to the catalogs as extension methods (e.g. <c>context.Sae.BatchTopK(...)</c> in
/// MlNetConcepts.Trainers), as ML.NET does.
/// </summary>
public sealed class ConceptContext
{
    /// <summary>Creates a context; <paramref name="seed"/> makes every random choice repeatable.</summary>
    public ConceptContext(int? seed = null)
    {
        Seed = seed;
        Data = new DataCatalog(this);
        Transforms = new TransformsCatalog(this);
        Sae = new SaeCatalog(this);
        Clustering = new ClusteringCatalog(this);
        Evaluate = new EvaluationCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>The seed given at construction (null: a fixed default per component).</summary>
    public int? Seed { get; }

    /// <summary>Loading and building views.</summary>
    public DataCatalog Data { get; }
    /// <summary>Transforms (activation extraction, steering, normalisation).</summary>
    public TransformsCatalog Transforms { get; }
    /// <summary>Sparse autoencoder trainers.</summary>
    public SaeCatalog Sae { get; }
    /// <summary>Clusterers.</summary>
    public ClusteringCatalog Clustering { get; }
    /// <summary>Evaluators (overlap, MonoSemanticity, energy, stability, modality, bridge…).</summary>
    public EvaluationCatalog Evaluate { get; }
    /// <summary>Saving and loading fitted components.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>Backend and thread settings (process-wide).</summary>
    public static IGemmBackend GemmBackend => ComputeSettings.Gemm;

    /// <summary>A seed derived from the context seed and a component-specific salt.</summary>
    public int DeriveSeed(int salt) => unchecked((Seed ?? 20251121) * 31 + salt);
}

/// <summary>Base of every catalog: knows its context.</summary>
public abstract class CatalogBase(ConceptContext context)
{
    /// <summary>The owning context.</summary>
    public ConceptContext Context { get; } = context;
}

/// <summary>Verbs that create views.</summary>
public sealed class DataCatalog(ConceptContext context) : CatalogBase(context)
{
    /// <summary>A view with one dense float vector column over an in-memory matrix.</summary>
    public IConceptView FromMatrix(float[] data, int width, string column = "Features") => InMemoryView.FromMatrix(column, data, width);
}

/// <summary>Transform verbs (added by MlNetConcepts.Transforms).</summary>
public sealed class TransformsCatalog(ConceptContext context) : CatalogBase(context);
/// <summary>SAE trainer verbs (added by MlNetConcepts.Trainers).</summary>
public sealed class SaeCatalog(ConceptContext context) : CatalogBase(context);
/// <summary>Clustering verbs (added by MlNetConcepts.Trainers).</summary>
public sealed class ClusteringCatalog(ConceptContext context) : CatalogBase(context);
/// <summary>Evaluator verbs (added by MlNetConcepts.Evaluators).</summary>
public sealed class EvaluationCatalog(ConceptContext context) : CatalogBase(context);

/// <summary>Model save/load verbs.</summary>
public sealed class ModelOperationsCatalog(ConceptContext context) : CatalogBase(context)
{
    /// <summary>Saves a fitted transformer as an archive (atomic write).</summary>
    public void Save(IConceptTransformer transformer, string path) => ModelArchive.Save(transformer, path);

    /// <summary>Loads an archive saved by <see cref="Save"/>.</summary>
    public IConceptTransformer Load(string path) => ModelArchive.Load<IConceptTransformer>(path);
}
