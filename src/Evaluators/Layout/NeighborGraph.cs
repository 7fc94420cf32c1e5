namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// The k nearest neighbours of every row, the row itself first (distance 0), as two row-major
/// n × k arrays: <see cref="Indices"/> and <see cref="Distances"/> (ascending per row).
/// </summary>
/// <param name="Rows">Rows n.</param>
/// <param name="K">Neighbours per row, the row itself included.</param>
/// <param name="Indices">Neighbour indices, n × k.</param>
/// <param name="Distances">Neighbour distances, n × k, ascending per row.</param>
public sealed record NeighborGraph(int Rows, int K, int[] Indices, float[] Distances);
