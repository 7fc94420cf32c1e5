using System.Text.Json;
using MlNetConcepts.IO;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// Progress of a checkpointed extraction, stored as <c>.extract-checkpoint.json</c> in the output
/// folder after every batch: the settings that must match for a resume, the samples done and
/// the rows already in each partial file (rows past that count, written after the last
/// checkpoint, are dropped on resume).
/// </summary>
internal sealed record ExtractionCheckpoint
{
    public const string FileName = ".extract-checkpoint.json";

    public required string Model { get; init; }
    public required string[] Tensors { get; init; }
    public required string Tokens { get; init; }
    public required int Seed { get; init; }
    public required int Count { get; init; }
    public required string Modality { get; init; }
    public required int SamplesDone { get; init; }
    public required int[] Widths { get; init; }
    public required long[] Rows { get; init; }

    public static string PathIn(string outDir) => Path.Combine(outDir, FileName);

    public static ExtractionCheckpoint? Load(string outDir)
    {
        var p = PathIn(outDir);
        if (!File.Exists(p)) return null;
        try { return JsonSerializer.Deserialize<ExtractionCheckpoint>(File.ReadAllText(p)); }
        catch (JsonException e) { throw new ConceptDataException($"{p}: unreadable checkpoint ({e.Message}); delete it to start again.", e); }
    }

    public void Save(string outDir) => AtomicFile.WriteText(PathIn(outDir), JsonSerializer.Serialize(this));

    /// <summary>Whether this checkpoint was made by the same extraction (same model, tensors, tokens, seed, samples).</summary>
    public bool SameRun(ExtractionCheckpoint other) => Model == other.Model && Tensors.SequenceEqual(other.Tensors) && Tokens == other.Tokens
        && Seed == other.Seed && Count == other.Count && Modality == other.Modality;
}
