namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The string-keyed registry of SAE variants (as SAELens and overcomplete key theirs). Its entries are the only place
/// a variant's name appears: the trainer, the archive, SAELens import, the study validator and the CLI all look
/// variants up here, and read their extra parameters from <see cref="SaeVariant.Parameters"/>.
/// </summary>
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

    /// <summary>The registered keys, sorted.</summary>
    public static IReadOnlyList<string> Names { get { lock (Gate) return Factories.Keys.Order(StringComparer.Ordinal).ToArray(); } }

    /// <summary>Registers (or replaces) a variant under <paramref name="name"/> (letters, digits and '-').</summary>
    public static void Register(string name, Func<SaeVariant> factory)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"An SAE variant name uses letters, digits and '-', got '{name}'.", nameof(name));
        lock (Gate) Factories[name] = factory;
    }

    /// <summary>Removes a registered variant; returns false when none had that name.</summary>
    public static bool Unregister(string name) { lock (Gate) return Factories.Remove(name); }

    /// <summary>True when <paramref name="name"/> is registered.</summary>
    public static bool Contains(string name) { lock (Gate) return Factories.ContainsKey(name); }

    /// <summary>Creates the variant registered under <paramref name="name"/>; a clear error listing the known ones otherwise.</summary>
    public static SaeVariant Create(string name)
    {
        Func<SaeVariant>? factory;
        string key;
        lock (Gate)
        {
            if (!Factories.TryGetValue(name, out factory))
                throw new ConceptDataException($"Unknown SAE architecture '{name}'. Known: {string.Join(", ", Factories.Keys.Order(StringComparer.Ordinal))}.");
            key = Factories.Keys.First(k => StringComparer.OrdinalIgnoreCase.Equals(k, name)); // the registered spelling
        }
        var variant = factory();
        variant.Name = key;
        return variant;
    }

    /// <summary>A fresh instance of every registered variant.</summary>
    public static IReadOnlyList<SaeVariant> All() => Names.Select(Create).ToArray();

    /// <summary>
    /// The variant that reads SAELens architecture <paramref name="saeLensArchitecture"/> on import
    /// (the first by name that lists it in <see cref="SaeVariant.SaeLensImports"/>), or null.
    /// </summary>
    public static SaeVariant? ForSaeLens(string saeLensArchitecture)
        => All().FirstOrDefault(v => v.SaeLensImports.Contains(saeLensArchitecture, StringComparer.OrdinalIgnoreCase));
}
