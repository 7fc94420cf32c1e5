namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// How a concept's best label is grounded (Lanza et al. 2026, §3: visual, textual or multimodal
/// concepts), decided by comparing the label's alignment with the concept's top images and with its
/// top texts against thresholds from random labels.
/// </summary>
public enum ConceptType
{
    /// <summary>The label beats the null threshold in neither modality.</summary>
    None,
    /// <summary>The label is aligned with the top images only.</summary>
    Visual,
    /// <summary>The label is aligned with the top texts only.</summary>
    Textual,
    /// <summary>The label is aligned with both the top images and the top texts.</summary>
    Multimodal,
}

/// <summary>Names of <see cref="ConceptType"/> as written in tables.</summary>
public static class ConceptTypes
{
    /// <summary>Every type, in table order.</summary>
    public static readonly ConceptType[] All = [ConceptType.Visual, ConceptType.Textual, ConceptType.Multimodal, ConceptType.None];

    /// <summary>Lower-case name ("visual", "textual", "multimodal", "none").</summary>
    public static string Name(ConceptType type) => type.ToString().ToLowerInvariant();

    /// <summary>The type from the two alignment tests.</summary>
    public static ConceptType From(bool visual, bool textual) => (visual, textual) switch
    {
        (true, true) => ConceptType.Multimodal,
        (true, false) => ConceptType.Visual,
        (false, true) => ConceptType.Textual,
        _ => ConceptType.None,
    };
}
