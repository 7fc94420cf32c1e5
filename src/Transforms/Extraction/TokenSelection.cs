using MlNetConcepts.Randomness;
using System.Globalization;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>How tokens of a [batch, tokens, width] activation become rows.</summary>
public enum TokenMode
{
    /// <summary>Token 0 (the CLS token of ViT/CLIP image towers): one row per sample.</summary>
    Cls,
    /// <summary>Every token (for text, up to and including the end token): one row per token.</summary>
    All,
    /// <summary>Mean over the tokens (for text, up to and including the end token): one row per sample, token index −1.</summary>
    Mean,
    /// <summary>N distinct tokens per sample drawn without replacement, seeded per sample (reproducible); all tokens when N ≥ count.</summary>
    Random,
    /// <summary>The end token of a text row (where CLIP's text tower pools): one row per sample.</summary>
    End,
}

/// <summary>A token selection: a mode and, for <see cref="TokenMode.Random"/>, the number of tokens.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Count">Tokens per sample for <see cref="TokenMode.Random"/>.</param>
public readonly record struct TokenSelection(TokenMode Mode, int Count = 0)
{
    /// <summary>CLS token.</summary>
    public static TokenSelection Cls => new(TokenMode.Cls);

    /// <summary>Whether the selection yields exactly one row per sample.</summary>
    public bool OneRowPerSample => Mode is TokenMode.Cls or TokenMode.Mean or TokenMode.End;

    // Errors name the options field this selection is given through, for front ends to map.
    private const string Parameter = nameof(ActivationExtractorOptions.Tokens);

    /// <summary>Parses <c>cls</c>, <c>all</c>, <c>mean</c>, <c>end</c> or <c>random:N</c>.</summary>
    public static TokenSelection Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("random:", StringComparison.Ordinal))
        {
            if (int.TryParse(t.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return new(TokenMode.Random, n);
            throw new ConceptDataException($"{Parameter} '{text}': random:N needs a positive N.", [Parameter]);
        }
        return t switch
        {
            "cls" => new(TokenMode.Cls),
            "all" => new(TokenMode.All),
            "mean" => new(TokenMode.Mean),
            "end" => new(TokenMode.End),
            _ => throw new ConceptDataException($"{Parameter} '{text}': use cls, all, mean, end or random:N.", [Parameter]),
        };
    }

    /// <summary>
    /// Token indices to keep for sample <paramref name="sampleId"/> with <paramref name="tokens"/>
    /// valid tokens (end token at <paramref name="endIndex"/>, or −1 when there is none); −1 in
    /// the result stands for the mean. Random draws use a partial Fisher–Yates shuffle seeded by
    /// (seed, sample id), so a sample's tokens do not depend on batching.
    /// </summary>
    public int[] Indices(long sampleId, int tokens, int endIndex, int seed)
    {
        switch (Mode)
        {
            case TokenMode.Cls: return [0];
            case TokenMode.Mean: return [-1];
            case TokenMode.End:
                if (endIndex < 0) throw new ConceptDataException($"{Parameter} end applies to text inputs only (images have no end token).", [Parameter]);
                return [endIndex];
            case TokenMode.All: return Enumerable.Range(0, tokens).ToArray();
            default:
                if (Count >= tokens) return Enumerable.Range(0, tokens).ToArray();
                var rng = new Random(StableHash.Seed(seed, sampleId));
                var idx = Enumerable.Range(0, tokens).ToArray();
                for (int i = 0; i < Count; i++)
                {
                    int j = rng.Next(i, tokens);
                    (idx[i], idx[j]) = (idx[j], idx[i]);
                }
                var pick = idx[..Count];
                Array.Sort(pick);
                return pick;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Mode == TokenMode.Random ? $"random:{Count}" : Mode.ToString().ToLowerInvariant();
}
