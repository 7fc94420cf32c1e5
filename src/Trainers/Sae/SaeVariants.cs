namespace MlNetConcepts.Trainers.Sae;

/// <summary>The string-keyed registry of SAE variants (as SAELens and overcomplete key theirs).</summary>
public static class SaeVariants
{
    private static readonly Dictionary<string, Func<SaeVariant>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["relu"] = () => new ReluVariant(),
        ["topk"] = () => new TopKVariant(),
        ["batchtopk"] = () => new BatchTopKVariant(),
        ["jumprelu"] = () => new JumpReluVariant(),
        ["matryoshka"] = () => new MatryoshkaVariant(),
    };
    private static readonly object Gate = new();

    /// <summary>The registered keys.</summary>
    public static IReadOnlyList<string> Names { get { lock (Gate) return Factories.Keys.Order().ToArray(); } }

    /// <summary>Registers (or replaces) a variant.</summary>
    public static void Register(string name, Func<SaeVariant> factory) { lock (Gate) Factories[name] = factory; }

    /// <summary>Creates the variant registered under <paramref name="name"/>; a clear error listing the known ones otherwise.</summary>
    public static SaeVariant Create(string name)
    {
        lock (Gate)
        {
            return Factories.TryGetValue(name, out var f)
                ? f()
                : throw new ConceptDataException($"Unknown SAE architecture '{name}'. Known: {string.Join(", ", Factories.Keys.Order())}.");
        }
    }

    /// <summary>Checks 1 ≤ k &lt; n.</summary>
    internal static void CheckK(SaeOptions options, int latents)
    {
        if (options.K < 1 || options.K >= latents)
            throw new ConceptDataException($"k = {options.K} must be at least 1 and smaller than the SAE width {latents}.");
    }
}
