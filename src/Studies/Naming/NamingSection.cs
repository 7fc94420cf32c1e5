using System.Globalization;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Report;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// The study's naming section: the first SAE of a joint-space layer (rows = image and text
/// embeddings, with a modality column) is named and typed by <see cref="ConceptNamer"/>; its decoder
/// rows live in the same space, so they take part in the label score. Files go to
/// <c>naming/&lt;layer&gt;/</c> (docs/NAMING.md); the report gets the type counts, the contingency
/// table against the modality score, the accuracy and the best-named concepts.
/// </summary>
/// <param name="Namer">Labels, text tower and null settings.</param>
/// <param name="Layer">The joint-space layer to name.</param>
/// <param name="Truth">Known classes and attributes of the layer's rows, for the accuracy; or null.</param>
public sealed record NamingSection(ConceptNamer Namer, string Layer, NamingTruth? Truth = null) : IStudySection
{
    /// <summary>Folder of the naming files inside the study output.</summary>
    public const string Folder = "naming";

    /// <inheritdoc/>
    public void Write(StudySectionContext context, HtmlReport report)
    {
        var spec = context.Config.Layers.FirstOrDefault(l => l.Name == Layer)
            ?? throw new ConceptDataException($"naming: the study has no layer '{Layer}'.");
        if (context.FirstSae(Layer) is not var (sae, codes))
            throw new ConceptDataException($"naming: layer '{Layer}' has no SAE; add one to the study.");
        var meta = context.Config.MetadataFor(spec);
        if (meta.Modality is null) throw new ConceptDataException($"naming: layer '{Layer}' has no modality column; naming needs image and text rows.");
        context.Log($"[{Layer}] naming and typing {sae.Latents} concepts");
        var x = DenseMatrix.ReadNpy(spec.Path);
        var modality = NpyFile.Read(meta.Modality).ToInt32();
        var activations = DenseMatrix.Create(codes, x.Rows, sae.Latents, $"{Layer} codes");
        var decoder = DenseMatrix.Create(sae.Weights.DecoderWeight, sae.Latents, sae.Inputs, $"{Layer} decoder");
        var layerResult = context.Layers.First(l => l.Layer == Layer);
        var outcome = Namer.Run(x, activations, modality, decoder, layerResult.Saes.FirstOrDefault()?.Modality, Truth);
        string rel = $"{Folder}/{Layer}";
        outcome.Save(Path.Combine(context.OutputFolder, Folder, Layer));
        WriteReport(report, outcome, rel, layerResult.Saes.FirstOrDefault()?.Name ?? "SAE");
    }

    private void WriteReport(HtmlReport html, NamingOutcome o, string rel, string saeName)
    {
        var n = o.Names;
        html.Heading($"Concept names and types: {Layer} ({saeName})");
        html.Paragraph($"Every concept gets the label among {Namer.Labels.Count} candidates (\"{string.Join("\", \"", Namer.Labels)}\", each in the prompt \"{Namer.Prompt}\" through the model's text tower) " +
                       $"with the best mean cosine to its top-{Namer.Options.TopN} images, its top-{Namer.Options.TopN} texts and its decoder direction; " +
                       $"the label is aligned with a modality when its cosine beats the {F(Namer.Options.NullPercentile)}th percentile of {Namer.NullCount} random labels (Lanza et al. 2026, §3, made numeric).", note: true);
        html.Frame(o.Types, "Concepts of each type", 10, $"{rel}/naming_types.csv");
        if (o.TypeByModality is not null)
            html.Frame(o.TypeByModality, "Type × modality score (Papadimitriou et al. 2025, eq. 5; ≤ 0.1 text-dominant, ≥ 0.9 image-dominant)", 10, $"{rel}/naming_modality.csv");
        if (o.Accuracy is not null)
            html.Frame(o.Accuracy, "Naming accuracy (class label = dominant class of the top images; attribute label holds for most top images)", 5, $"{rel}/naming_accuracy.csv");
        var order = Enumerable.Range(0, n.Count).Where(c => n.Label[c] >= 0).OrderByDescending(c => n.Margin[c]).ToArray();
        var best = new Microsoft.Data.Analysis.PrimitiveDataFrameColumn<int>("row", order.Take(20));
        html.Frame(o.PerConcept[best], "Named concepts with the largest margins", 20, $"{rel}/naming.csv");
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
