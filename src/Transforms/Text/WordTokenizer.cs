using System.Text.RegularExpressions;

namespace MlNetConcepts.Transforms.Text;

/// <summary>
/// Word-level tokenizer for small models (such as the project's demo model): a vocabulary file
/// with one token per line (id = line number, from 0), lower-cased words split on whitespace and
/// punctuation, framed by start/end tokens and padded. A word outside the vocabulary maps to the
/// unknown token when the vocabulary has one, and is an error otherwise.
/// </summary>
public sealed partial class WordTokenizer : ITextTokenizer
{
    private readonly Dictionary<string, int> _ids;
    private readonly string _source;
    private readonly long? _unknown;

    [GeneratedRegex(@"[\p{L}\p{N}'-]+|[^\s\p{L}\p{N}]")]
    private static partial Regex Words();

    /// <summary>Loads <paramref name="vocabPath"/>.</summary>
    public WordTokenizer(string vocabPath, int contextLength, string padToken = "<pad>", string startToken = "<start>", string endToken = "<end>", string unknownToken = "<unk>")
    {
        _source = vocabPath;
        VocabPath = Path.GetFullPath(vocabPath);
        if (!File.Exists(vocabPath)) throw new ConceptDataException($"{vocabPath}: vocabulary file not found.");
        var lines = File.ReadAllLines(vocabPath);
        if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
            if (!_ids.TryAdd(lines[i], i)) throw new ConceptDataException($"{vocabPath}: token '{lines[i]}' appears twice (lines {_ids[lines[i]] + 1} and {i + 1}).");
        if (contextLength < 2) throw new ConceptDataException($"context length must be ≥ 2, got {contextLength}.");
        ContextLength = contextLength;
        PadId = Special(padToken);
        StartId = Special(startToken);
        EndId = Special(endToken);
        _unknown = _ids.TryGetValue(unknownToken, out int u) ? u : null;
    }

    private long Special(string t) => _ids.TryGetValue(t, out int id) ? id : throw new ConceptDataException($"{_source}: the vocabulary has no '{t}' token.");

    /// <inheritdoc />
    public int ContextLength { get; }
    /// <summary>Full path of the vocabulary file.</summary>
    public string VocabPath { get; }
    /// <summary>Padding id.</summary>
    public long PadId { get; }
    /// <summary>Start id.</summary>
    public long StartId { get; }
    /// <summary>End id.</summary>
    public long EndId { get; }

    /// <summary>Ids of the words of <paramref name="text"/> (no framing).</summary>
    public List<long> Tokenize(string text)
    {
        var ids = new List<long>();
        foreach (Match m in Words().Matches(text.ToLowerInvariant()))
        {
            if (_ids.TryGetValue(m.Value, out int id)) ids.Add(id);
            else ids.Add(_unknown ?? throw new ConceptDataException($"{_source}: word '{m.Value}' in \"{text}\" is not in the vocabulary."));
        }
        return ids;
    }

    /// <inheritdoc />
    public long[] Encode(string text) => TextTokenizerExtensions.Frame(Tokenize(text), StartId, EndId, PadId, ContextLength);

    /// <inheritdoc />
    public int EndIndex(ReadOnlySpan<long> row) => row.IndexOf(EndId) is var i && i >= 0 ? i : row.Length - 1;
}
