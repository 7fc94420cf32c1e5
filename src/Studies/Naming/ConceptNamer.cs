using Microsoft.Data.Analysis;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Naming;

namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// Concept naming end to end with a model's text tower: embeds the candidate labels and the random
/// null labels, runs <see cref="ConceptNaming"/>, and builds the tables (per concept, type counts,
/// type × modality score, naming accuracy when the truth is known). Files are described in
/// docs/NAMING.md.
/// </summary>
public sealed class ConceptNamer
{
    /// <summary>The text tower that embeds labels.</summary>
    public required TextTower Tower { get; init; }
    /// <summary>Candidate labels (words or short phrases).</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Words the random null labels are drawn from.</summary>
    public required IReadOnlyList<string> NullWords { get; init; }
    /// <summary>Prompt around a label, "{}" standing for it (e.g. "a photo of a {}").</summary>
    public string Prompt { get; init; } = "{}";
    /// <summary>Random labels in the null distribution.</summary>
    public int NullCount { get; init; } = 200;
    /// <summary>Seed of the random labels.</summary>
    public int NullSeed { get; init; } = 15;
    /// <summary>Top-n and percentile.</summary>
    public ConceptNamingOptions Options { get; init; } = new();

    /// <summary>
    /// Names the concepts whose activations on the rows are <paramref name="activations"/> (N × K);
    /// <paramref name="embeddings"/> are the rows' joint-space embeddings (N × e).
    /// </summary>
    public NamingOutcome Run(DenseMatrix embeddings, DenseMatrix activations, int[] modality, DenseMatrix? decoder = null,
        double[]? modalityScore = null, NamingTruth? truth = null)
    {
        var labelTexts = Labels.Select(l => NullLabels.Prompt(Prompt, l)).ToArray();
        var labels = Tower.Embed(labelTexts, out int width);
        var nulls = Tower.Embed(NullLabels.Make(NullWords, NullCount, Prompt, NullSeed), out _);
        if (width != embeddings.Cols)
            throw new ConceptDataException($"{Tower.ModelPath}: text embeddings are {width} wide but {embeddings.Name} is {embeddings.Cols} wide; the rows must be in the text tower's joint space.");
        var names = ConceptNaming.Name(new ConceptNamingInputs
        {
            Embeddings = embeddings,
            Activations = activations,
            Modality = modality,
            Labels = DenseMatrix.Create(labels, Labels.Count, width, "labels"),
            LabelNames = Labels,
            NullLabels = DenseMatrix.Create(nulls, NullCount, width, "null labels"),
            Decoder = decoder,
        }, Options);
        var perConcept = NamingTables.PerConcept(names, modalityScore);
        DataFrame? accuracy = null;
        if (truth is not null)
        {
            NamingAccuracy.AddColumns(perConcept, names, Labels, truth);
            accuracy = NamingAccuracy.Table(names, Labels, truth);
        }
        return new NamingOutcome(names, perConcept, NamingTables.TypeCounts(names),
            modalityScore is null ? null : NamingTables.TypeByModality(names, modalityScore), accuracy);
    }
}

/// <summary>The tables of one naming run.</summary>
/// <param name="Names">Per-concept arrays.</param>
/// <param name="PerConcept">One row per concept (docs/NAMING.md: naming.csv).</param>
/// <param name="Types">Counts of each type.</param>
/// <param name="TypeByModality">Type × modality-score bucket, when modality scores were given.</param>
/// <param name="Accuracy">Naming accuracy per label kind, when the truth was given.</param>
public sealed record NamingOutcome(ConceptNames Names, DataFrame PerConcept, DataFrame Types, DataFrame? TypeByModality, DataFrame? Accuracy)
{
    /// <summary>Writes naming.csv, naming_types.csv and, when present, naming_modality.csv and naming_accuracy.csv into <paramref name="folder"/>; returns the file names.</summary>
    public IReadOnlyList<string> Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<(string, DataFrame?)> { ("naming.csv", PerConcept), ("naming_types.csv", Types), ("naming_modality.csv", TypeByModality), ("naming_accuracy.csv", Accuracy) };
        var written = new List<string>();
        foreach (var (file, frame) in files)
        {
            if (frame is null) continue;
            NamingTables.SaveCsv(frame, Path.Combine(folder, file));
            written.Add(file);
        }
        return written;
    }
}
