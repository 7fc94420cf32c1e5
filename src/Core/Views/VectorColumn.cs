namespace MlNetConcepts.Views;

/// <summary>A float vector column a kernel reads: its name and width.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Width">Values per row.</param>
public sealed record VectorColumn(string Name, int Width);
