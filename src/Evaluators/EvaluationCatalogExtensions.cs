using MlNetConcepts.Data;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// The evaluator verbs on <see cref="ConceptContext.Evaluate"/>, ML.NET style
/// (<c>context.Evaluate.MonoSemanticity(view, "Codes", "Embedding")</c>). Each reads the named
/// columns of a view and returns an EvaluationReport (a DataFrame with title and parameters); the static classes take plain matrices.
/// </summary>
public static class EvaluationCatalogExtensions
{
    /// <summary>MonoSemanticity of each neuron of <paramref name="activationsColumn"/> (see <see cref="Evaluators.MonoSemanticity"/>).</summary>
    public static EvaluationReport MonoSemanticity(this EvaluationCatalog catalog, IConceptView view, string activationsColumn, string embeddingsColumn, int? topN = null)
        => Evaluators.MonoSemanticity.Neurons(view, activationsColumn, embeddingsColumn, topN);

    /// <summary>MonoSemanticity of each cluster (see <see cref="Evaluators.MonoSemanticity.Clusters"/>).</summary>
    public static EvaluationReport ClusterMonoSemanticity(this EvaluationCatalog catalog, IConceptView view, string activationsColumn, DenseMatrix centroids, string embeddingsColumn, int? topN = null)
        => Evaluators.MonoSemanticity.Clusters(DenseMatrix.FromView(view, activationsColumn), centroids, DenseMatrix.FromView(view, embeddingsColumn), topN);

    /// <summary>Cluster–feature overlaps (see <see cref="Evaluators.Overlap"/>).</summary>
    public static OverlapReport Overlap(this EvaluationCatalog catalog, IConceptView view, string codesColumn, string activationsColumn, DenseMatrix centroids)
        => Evaluators.Overlap.Compute(DenseMatrix.FromView(view, codesColumn), DenseMatrix.FromView(view, activationsColumn), centroids);

    /// <summary>Energy per concept, read a block at a time (see <see cref="Evaluators.Energy"/>).</summary>
    public static EvaluationReport Energy(this EvaluationCatalog catalog, IConceptView view, string codesColumn)
        => Evaluators.Energy.Report(Evaluators.Energy.PerConcept(view, codesColumn));

    /// <summary>Stability of two dictionaries (see <see cref="Evaluators.Stability"/>).</summary>
    public static EvaluationReport Stability(this EvaluationCatalog catalog, DenseMatrix dictionaryA, DenseMatrix dictionaryB, DenseMatrix? codesA = null, DenseMatrix? codesB = null, int topM = 0)
        => Evaluators.Stability.Compare(dictionaryA, dictionaryB, codesA, codesB, topM);

    /// <summary>Modality scores from a codes column and an Int32 modality column (0 = image, 1 = text).</summary>
    public static EvaluationReport Modality(this EvaluationCatalog catalog, IConceptView view, string codesColumn, string modalityColumn)
        => Evaluators.Modality.Scores(DenseMatrix.FromView(view, codesColumn), view.ReadInt32s(modalityColumn));

    /// <summary>Reconstruction quality from input, reconstruction and (optionally) code columns.</summary>
    public static EvaluationReport Reconstruction(this EvaluationCatalog catalog, IConceptView view, string inputColumn, string reconstructionColumn, string? codesColumn = null)
        => Evaluators.Reconstruction.Report(DenseMatrix.FromView(view, inputColumn), DenseMatrix.FromView(view, reconstructionColumn),
            codesColumn is null ? null : DenseMatrix.FromView(view, codesColumn));

    /// <summary>Uniqueness of the neurons of a codes column (see <see cref="Evaluators.Uniqueness"/>).</summary>
    public static EvaluationReport Uniqueness(this EvaluationCatalog catalog, IConceptView view, string codesColumn, int top = 16)
        => Evaluators.Uniqueness.Report(DenseMatrix.FromView(view, codesColumn), top);
}
