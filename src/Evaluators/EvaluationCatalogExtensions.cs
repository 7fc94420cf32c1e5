using Microsoft.ML;
using MlNetConcepts.Views;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>Adds the evaluator catalog to ML.NET's <see cref="MLContext"/>: <c>mlContext.Concepts()</c>.</summary>
public static class EvaluationCatalogExtensions
{
    /// <summary>The one catalog of the concept evaluators.</summary>
    public static ConceptEvaluationCatalog Concepts(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new ConceptEvaluationCatalog();
    }
}

/// <summary>
/// The evaluator verbs, ML.NET style (<c>mlContext.Concepts().MonoSemanticity(view, "Concepts", "Embedding")</c>).
/// Each reads the named columns of any <see cref="IDataView"/> (through <see cref="RowBlockReader"/>) and returns a
/// report; the static classes take plain matrices.
/// </summary>
public sealed class ConceptEvaluationCatalog
{
    /// <summary>MonoSemanticity of each neuron of <paramref name="activationsColumn"/> (see <see cref="Evaluators.MonoSemanticity"/>).</summary>
    public EvaluationReport MonoSemanticity(IDataView view, string activationsColumn, string embeddingsColumn, int? topN = null)
        => Evaluators.MonoSemanticity.Neurons(view, activationsColumn, embeddingsColumn, topN);

    /// <summary>MonoSemanticity of each cluster (see <see cref="Evaluators.MonoSemanticity.Clusters"/>).</summary>
    public EvaluationReport ClusterMonoSemanticity(IDataView view, string activationsColumn, DenseMatrix centroids, string embeddingsColumn, int? topN = null)
        => Evaluators.MonoSemanticity.Clusters(DenseMatrix.FromView(view, activationsColumn), centroids, DenseMatrix.FromView(view, embeddingsColumn), topN);

    /// <summary>Cluster–feature overlaps (see <see cref="Evaluators.Overlap"/>).</summary>
    public OverlapReport Overlap(IDataView view, string codesColumn, string activationsColumn, DenseMatrix centroids)
        => Evaluators.Overlap.Compute(DenseMatrix.FromView(view, codesColumn), DenseMatrix.FromView(view, activationsColumn), centroids);

    /// <summary>Energy per concept, read a block at a time (see <see cref="Evaluators.Energy"/>).</summary>
    public EvaluationReport Energy(IDataView view, string codesColumn)
        => Evaluators.Energy.Report(Evaluators.Energy.PerConcept(view, codesColumn));

    /// <summary>Stability of two dictionaries (see <see cref="Evaluators.Stability"/>).</summary>
    public EvaluationReport Stability(DenseMatrix dictionaryA, DenseMatrix dictionaryB, DenseMatrix? codesA = null, DenseMatrix? codesB = null, int topM = 0)
        => Evaluators.Stability.Compare(dictionaryA, dictionaryB, codesA, codesB, topM);

    /// <summary>Modality scores from a codes column and an Int32 modality column (0 = image, 1 = text).</summary>
    public EvaluationReport Modality(IDataView view, string codesColumn, string modalityColumn)
        => Evaluators.Modality.Scores(DenseMatrix.FromView(view, codesColumn), RowBlockReader.ReadInt32s(view, modalityColumn));

    /// <summary>Reconstruction quality from input, reconstruction and (optionally) code columns.</summary>
    public EvaluationReport Reconstruction(IDataView view, string inputColumn, string reconstructionColumn, string? codesColumn = null)
        => Evaluators.Reconstruction.Report(DenseMatrix.FromView(view, inputColumn), DenseMatrix.FromView(view, reconstructionColumn),
            codesColumn is null ? null : DenseMatrix.FromView(view, codesColumn));

    /// <summary>Uniqueness of the neurons of a codes column (see <see cref="Evaluators.Uniqueness"/>).</summary>
    public EvaluationReport Uniqueness(IDataView view, string codesColumn, int top = 16)
        => Evaluators.Uniqueness.Report(DenseMatrix.FromView(view, codesColumn), top);
}
