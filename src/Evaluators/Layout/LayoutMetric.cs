namespace MlNetConcepts.Evaluators.Layout;

/// <summary>The distance a 2-D layout preserves between the input rows (e.g. dictionary atoms).</summary>
public enum LayoutMetric
{
    /// <summary>‖x − y‖₂.</summary>
    Euclidean,

    /// <summary>1 − x·y / (‖x‖‖y‖), the usual choice for directions such as decoder rows; a zero row is at distance 1 from everything.</summary>
    Cosine,
}
