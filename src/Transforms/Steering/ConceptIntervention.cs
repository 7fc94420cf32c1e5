namespace MlNetConcepts.Transforms.Steering;

/// <summary>What an intervention does to one SAE concept's activation z_k on every token.</summary>
public enum InterventionKind
{
    /// <summary>z_k ← α (Pach et al. 2025, sec. 3.3: the neuron clamped to an intervention value).</summary>
    Set,
    /// <summary>z_k ← z_k + α: adds α·D_k to the token (D_k the concept's decoder row).</summary>
    Add,
    /// <summary>z_k ← α·z_k.</summary>
    Scale,
    /// <summary>z_k ← 0: removes the concept's part z_k·D_k from the token.</summary>
    Zero,
}

/// <summary>One change to one SAE concept, applied to every token of the steered tensor.</summary>
/// <param name="Concept">Latent index k of the SAE (0 ≤ k &lt; latents).</param>
/// <param name="Kind">The change.</param>
/// <param name="Alpha">α (finite; ignored by <see cref="InterventionKind.Zero"/>).</param>
public sealed record ConceptIntervention(int Concept, InterventionKind Kind, float Alpha)
{
    /// <summary>z_k ← α.</summary>
    public static ConceptIntervention SetTo(int concept, float alpha) => new(concept, InterventionKind.Set, alpha);
    /// <summary>z_k ← z_k + α.</summary>
    public static ConceptIntervention Add(int concept, float alpha) => new(concept, InterventionKind.Add, alpha);
    /// <summary>z_k ← α·z_k.</summary>
    public static ConceptIntervention Scale(int concept, float alpha) => new(concept, InterventionKind.Scale, alpha);
    /// <summary>z_k ← 0.</summary>
    public static ConceptIntervention Zero(int concept) => new(concept, InterventionKind.Zero, 0);

    /// <summary>z_k after this intervention, given z_k before it.</summary>
    public float Apply(float z) => Kind switch
    {
        InterventionKind.Set => Alpha,
        InterventionKind.Add => z + Alpha,
        InterventionKind.Scale => z * Alpha,
        InterventionKind.Zero => 0f,
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    /// <summary>Parses <c>kind:concept[=alpha]</c>, e.g. <c>set:12=4.5</c>, <c>add:3=2</c>, <c>scale:7=0.5</c>, <c>zero:9</c>.</summary>
    public static ConceptIntervention Parse(string text, string what = "intervention")
    {
        var parts = text.Split(':', 2);
        if (parts.Length != 2 || !Enum.TryParse<InterventionKind>(parts[0], ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            throw new ConceptDataException($"{what} '{text}': expected kind:concept[=alpha] with kind set, add, scale or zero (e.g. set:12=4.5).");
        var rest = parts[1].Split('=', 2);
        if (!int.TryParse(rest[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int concept))
            throw new ConceptDataException($"{what} '{text}': concept '{rest[0]}' is not an integer.");
        float alpha = 0;
        if (kind != InterventionKind.Zero)
        {
            if (rest.Length != 2 || !float.TryParse(rest[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out alpha))
                throw new ConceptDataException($"{what} '{text}': {kind.ToString().ToLowerInvariant()} needs a number after '=' (e.g. {parts[0]}:{concept}=2).");
        }
        return new ConceptIntervention(concept, kind, alpha);
    }
}
