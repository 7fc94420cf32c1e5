namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Matryoshka BatchTopK SAE (Bussmann et al. 2025; Nabeshima 2024): one global BatchTopK
/// selection, and the loss is the weighted sum over nested prefixes m₁ &lt; … &lt; m_G = n of the
/// reconstruction from the first m_g latents, Σ_g w_g·(1/B)Σ_b‖x_b − (z_b,:m_g·W_dec,:m_g + b_dec)‖²,
/// with w_g = 1/G. Default groups are 1/16, 1/8, 1/4 and 9/16 of the width (prefixes 1/16, 3/16,
/// 7/16, 1); the last group takes the rounding remainder. Inference is BatchTopK's threshold.
/// </summary>
public sealed class MatryoshkaVariant : BatchTopKVariant
{
    /// <inheritdoc />
    public override IReadOnlyList<SaeParameter> Parameters => [.. base.Parameters, Groups];

    /// <summary>
    /// "groups": comma-separated group sizes that sum to n (all whole numbers, e.g. 32,96,128,256) or fractions of the
    /// width (e.g. 1/16,1/8,1/4,9/16 or 0.0625,…; the last group takes the remainder).
    /// </summary>
    private static readonly SaeParameter Groups = new("groups",
        "nested groups: sizes summing to the width (32,96,128,256) or fractions of it (1/16,1/8,1/4,9/16)", false,
        (o, text) =>
        {
            var items = text.Split(',', StringSplitOptions.TrimEntries);
            if (items.All(t => int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
                return o with { MatryoshkaGroupSizes = items.Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray() };
            return o with { MatryoshkaGroupSizes = null, MatryoshkaFractions = items.Select(t => SaeParameter.ParsePositive("groups", t)).ToArray() };
        },
        o => o.MatryoshkaGroupSizes is { } sizes
            ? string.Join(",", sizes.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : string.Join(",", o.MatryoshkaFractions.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));

    /// <inheritdoc />
    public override int[] GroupEnds(int latents, SaeOptions options)
    {
        int[] sizes;
        if (options.MatryoshkaGroupSizes is { } given)
        {
            sizes = given.ToArray();
            if (sizes.Length == 0 || sizes.Any(s => s < 1) || sizes.Sum() != latents)
                throw new ConceptDataException($"Matryoshka group sizes [{string.Join(", ", sizes)}] must be positive and sum to the width {latents}.");
        }
        else
        {
            var f = options.MatryoshkaFractions;
            if (f.Count == 0 || f.Any(v => v <= 0)) throw new ConceptDataException("Matryoshka group fractions must be positive.");
            sizes = f.Select(v => Math.Max(1, (int)(v * latents))).ToArray();
            sizes[^1] = latents - sizes[..^1].Sum();
            if (sizes[^1] < 1) throw new ConceptDataException($"Matryoshka group fractions [{string.Join(", ", f)}] leave no latents for the last group at width {latents}.");
        }
        var ends = new int[sizes.Length];
        int at = 0;
        for (int g = 0; g < sizes.Length; g++) ends[g] = at += sizes[g];
        return ends;
    }
}
