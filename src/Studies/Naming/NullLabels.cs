namespace MlNetConcepts.Studies.Naming;

/// <summary>
/// Random labels for the null distribution of alignments: each one is a prompt filled with 1–4
/// words drawn uniformly (with replacement) from a word list, seeded, so the null is reproducible.
/// A random label may contain a real label word by chance; that only makes the threshold stricter.
/// </summary>
public static class NullLabels
{
    /// <summary><paramref name="count"/> random labels in <paramref name="prompt"/> ("{}" stands for the words).</summary>
    public static string[] Make(IReadOnlyList<string> words, int count, string prompt, int seed)
    {
        if (words.Count == 0) throw new ConceptDataException("no words to draw random labels from.", ["words"]);
        if (count < 1) throw new ConceptDataException($"nullLabels must be at least 1, got {count}.", ["nullLabels"]);
        var rng = new Random(seed);
        var result = new string[count];
        for (int i = 0; i < count; i++)
        {
            int n = 1 + rng.Next(4);
            result[i] = Prompt(prompt, string.Join(' ', Enumerable.Range(0, n).Select(_ => words[rng.Next(words.Count)])));
        }
        return result;
    }

    /// <summary>The prompt with its "{}" replaced by <paramref name="words"/> (the words alone when the prompt has no "{}").</summary>
    public static string Prompt(string prompt, string words) => prompt.Contains("{}", StringComparison.Ordinal) ? prompt.Replace("{}", words) : words;
}
