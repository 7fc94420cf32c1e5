using Microsoft.Data.Analysis;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Steering;

/// <summary>The tables of a <see cref="SteeringStudy"/> run.</summary>
public sealed record SteeringResult
{
    /// <summary>The steered concepts: index, MonoSemanticity, support (images where it fires on the CLS token), images where it fires only on other tokens, matched class (label), purity (share of its top images in that class), scale, DiffMean norm.</summary>
    public required DataFrame Concepts { get; init; }
    /// <summary>Every concept × method × image set × strength, with the measures before and after steering.</summary>
    public required DataFrame Sweep { get; init; }
    /// <summary>One row per concept at the report strength: SAE and DiffMean side by side (the acceptance table).</summary>
    public required DataFrame Summary { get; init; }
    /// <summary>The SAE trained by the run when no SAE folder was given (null otherwise).</summary>
    public SaeTransformer? TrainedSae { get; init; }
    /// <summary>The settings used.</summary>
    public required SteeringStudyOptions Options { get; init; }
    /// <summary>Images profiled, latents of the SAE, and the time the run took.</summary>
    public required (int Images, int Latents, double Seconds) Run { get; init; }
}
