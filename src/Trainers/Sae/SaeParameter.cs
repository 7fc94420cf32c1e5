using System.Globalization;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// An extra hyper-parameter a variant declares beyond the shared recipe (relu's L1 coefficient, Matryoshka's groups…).
/// Its <see cref="Name"/> is the CLI flag <c>--name</c> of <c>mlnc sae train</c> and its key in a saved SAE; the CLI,
/// the archive and the study runner reach the parameter only through this declaration.
/// </summary>
/// <param name="Name">Flag and key, lower-case words joined by '-'.</param>
/// <param name="Description">What the value means (one line, for the CLI help).</param>
/// <param name="IsFlag">True for an on/off switch given without a value (its text form is "true" or "false").</param>
/// <param name="Apply">Returns the options with the parameter set from its text form; a bad value is a clear error naming the parameter.</param>
/// <param name="Format">The text form of the parameter's value in the options, or null when it is unset.</param>
public sealed record SaeParameter(string Name, string Description, bool IsFlag,
    Func<SaeOptions, string, SaeOptions> Apply, Func<SaeOptions, string?> Format)
{
    /// <summary>A positive real number.</summary>
    public static SaeParameter Positive(string name, string description, Func<SaeOptions, double> get, Func<SaeOptions, double, SaeOptions> set)
        => new(name, description, false,
            (o, text) => set(o, ParsePositive(name, text)),
            o => get(o).ToString("R", CultureInfo.InvariantCulture));

    /// <summary>
    /// A parameter kept in <see cref="SaeOptions.VariantSettings"/> (for variants registered outside this library);
    /// <paramref name="check"/> throws a clear error for a bad value.
    /// </summary>
    public static SaeParameter Text(string name, string description, Action<string> check)
        => new(name, description, false,
            (o, text) =>
            {
                check(text);
                return o with { VariantSettings = new Dictionary<string, string>(o.VariantSettings) { [name] = text } };
            },
            o => o.VariantSettings.TryGetValue(name, out var v) ? v : null);

    /// <summary>An on/off switch.</summary>
    public static SaeParameter Switch(string name, string description, Func<SaeOptions, bool> get, Func<SaeOptions, bool, SaeOptions> set)
        => new(name, description, true,
            (o, text) => set(o, bool.TryParse(text, out bool v) ? v : throw new ConceptDataException($"{name} takes true or false, got '{text}'.", [name])),
            o => get(o) ? "true" : "false");

    /// <summary>Parses a finite number &gt; 0 written with '.' as decimal point, or as a fraction "a/b".</summary>
    internal static double ParsePositive(string name, string text)
    {
        int slash = text.IndexOf('/');
        bool ok = slash < 0
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            : TryFraction(text, slash, out v);
        if (!ok || !double.IsFinite(v) || v <= 0) throw new ConceptDataException($"{name} must be a positive number, got '{text}'.", [name]);
        return v;
    }

    private static bool TryFraction(string text, int slash, out double v)
    {
        v = 0;
        if (!double.TryParse(text[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            || !double.TryParse(text[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double b) || b == 0) return false;
        v = a / b;
        return true;
    }
}
