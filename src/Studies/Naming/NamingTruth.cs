namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// What is known about the rows when the data are labelled (the demo: Fashion-MNIST classes and the
/// caption attributes measured on the pixels), for scoring the names.
/// </summary>
/// <param name="ClassNames">Class names; a label equal to one of them is a class label.</param>
/// <param name="RowClass">Class index of every row (−1 when unknown).</param>
/// <param name="RowWords">Attribute words that hold for every row (e.g. "dark", "small", "patterned"), or null.</param>
public sealed record NamingTruth(IReadOnlyList<string> ClassNames, int[] RowClass, string[][]? RowWords);
