using MlNetConcepts.Studies.Report;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Studies.Runner;

/// <summary>
/// An optional part of a study that runs after every layer was analysed (concept naming, heat
/// maps…): it writes its files into the study's output folder and appends a section to the report.
/// </summary>
public interface IStudySection
{
    /// <summary>Computes the section, writes its files under <see cref="StudySectionContext.OutputFolder"/> and appends to <paramref name="report"/>.</summary>
    void Write(StudySectionContext context, HtmlReport report);
}

/// <summary>What a study hands to its sections.</summary>
/// <param name="Config">The resolved study config.</param>
/// <param name="Layers">Per-layer results.</param>
/// <param name="OutputFolder">The (temporary) output folder; it replaces the target only when the whole study succeeds.</param>
/// <param name="FirstSae">The first SAE (first spec, first seed) of a layer and its dense codes (rows × latents), or null when the layer has none.</param>
/// <param name="Log">Progress log.</param>
public sealed record StudySectionContext(
    StudyConfig Config,
    IReadOnlyList<LayerResult> Layers,
    string OutputFolder,
    Func<string, (SaeTransformer Sae, float[] Codes)?> FirstSae,
    Action<string> Log);
