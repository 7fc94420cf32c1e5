namespace MlNetConcepts.Trainers.Clustering;

/// <summary>The outcome of fitting a clusterer on an in-memory matrix.</summary>
/// <param name="Centroids">k × d centres, row-major.</param>
/// <param name="K">Number of clusters.</param>
/// <param name="Dimension">Width d of the rows.</param>
/// <param name="Labels">0-based cluster index of every training row.</param>
/// <param name="Inertia">Σ_n ‖x_n − μ_label(n)‖² (for the cosine metric, on unit-normalised rows: 2·Σ(1 − cos)).</param>
/// <param name="Iterations">Lloyd iterations (or mini-batch epochs, or merges) of the kept run.</param>
/// <param name="Converged">True when the run stopped on the tolerance or on unchanged labels before the iteration cap.</param>
public sealed record ClusteringResult(float[] Centroids, int K, int Dimension, int[] Labels, double Inertia, int Iterations, bool Converged);
