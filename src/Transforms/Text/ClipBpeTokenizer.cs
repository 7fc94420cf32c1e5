using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlNetConcepts.Transforms.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer (Radford et al. 2021) from a <c>vocab.json</c> (token → id)
/// and a <c>merges.txt</c> (one merge "a b" per line, rank = line order; a "#version" header is
/// skipped). Steps: HTML-unescape (twice), collapse whitespace, trim, lower-case; split with
/// CLIP's pattern (special tokens, English contractions, letter runs, single digits, runs of
/// other non-space characters); map each piece's UTF-8 bytes to printable characters (GPT-2's
/// byte-to-unicode table), mark the last character with <c>&lt;/w&gt;</c> and apply merges
/// lowest rank first; frame with <c>&lt;|startoftext|&gt;</c> / <c>&lt;|endoftext|&gt;</c>
/// (49406/49407 in OpenAI's vocabulary), truncate to the context keeping the end token, pad.
/// ftfy's mojibake repair is not applied (text is assumed to be valid Unicode).
/// </summary>
public sealed partial class ClipBpeTokenizer : ITextTokenizer
{
    /// <summary>The start-of-text token.</summary>
    public const string StartToken = "<|startoftext|>";
    /// <summary>The end-of-text token.</summary>
    public const string EndToken = "<|endoftext|>";

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks = new();
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly string _source;
    private static readonly char[] ByteToChar = BuildByteTable();

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Loads the vocabulary and merges.</summary>
    /// <param name="vocabJson">Path of vocab.json.</param>
    /// <param name="mergesTxt">Path of merges.txt.</param>
    /// <param name="contextLength">Tokens per row (77 for CLIP).</param>
    /// <param name="padId">Padding id (0 in OpenAI's <c>clip.tokenize</c>; Hugging Face pads with the end id).</param>
    public ClipBpeTokenizer(string vocabJson, string mergesTxt, int contextLength = 77, long padId = 0)
    {
        _source = vocabJson;
        VocabPath = Path.GetFullPath(vocabJson);
        MergesPath = Path.GetFullPath(mergesTxt);
        if (contextLength < 2) throw new ConceptDataException($"context length must be ≥ 2, got {contextLength}.");
        ContextLength = contextLength;
        PadId = padId;
        try
        {
            _vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
                ?? throw new ConceptDataException($"{vocabJson}: empty vocabulary.");
        }
        catch (JsonException e) { throw new ConceptDataException($"{vocabJson}: not a token → id JSON object ({e.Message}).", e); }
        catch (FileNotFoundException e) { throw new ConceptDataException($"{vocabJson}: file not found.", e); }
        string[] lines;
        try { lines = File.ReadAllLines(mergesTxt); }
        catch (FileNotFoundException e) { throw new ConceptDataException($"{mergesTxt}: file not found.", e); }
        int rank = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2) throw new ConceptDataException($"{mergesTxt}: line {i + 1} is not a merge 'a b': '{line}'.");
            _ranks.TryAdd((parts[0], parts[1]), rank++);
        }
        StartId = Id(StartToken);
        EndId = Id(EndToken);
        _cache[StartToken] = [StartToken];
        _cache[EndToken] = [EndToken];
    }

    /// <inheritdoc />
    public int ContextLength { get; }
    /// <summary>Full path of vocab.json.</summary>
    public string VocabPath { get; }
    /// <summary>Full path of merges.txt.</summary>
    public string MergesPath { get; }
    /// <summary>Id of the start token.</summary>
    public long StartId { get; }
    /// <summary>Id of the end token.</summary>
    public long EndId { get; }
    /// <summary>Padding id.</summary>
    public long PadId { get; }

    private int Id(string token) => _vocab.TryGetValue(token, out int id) ? id
        : throw new ConceptDataException($"{_source}: token '{token}' is not in the vocabulary.");

    /// <summary>The cleaned text CLIP tokenizes: HTML-unescaped, whitespace collapsed, trimmed, lower-case.</summary>
    public static string Clean(string text)
    {
        var t = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        return Whitespace().Replace(t, " ").Trim().ToLowerInvariant();
    }

    /// <summary>BPE token ids of <paramref name="text"/> without start/end tokens or padding.</summary>
    public List<long> Tokenize(string text)
    {
        var ids = new List<long>();
        foreach (Match m in Pattern().Matches(Clean(text)))
            foreach (var piece in Bpe(m.Value)) ids.Add(Id(piece));
        return ids;
    }

    /// <inheritdoc />
    public long[] Encode(string text) => TextTokenizerExtensions.Frame(Tokenize(text), StartId, EndId, PadId, ContextLength);

    /// <inheritdoc />
    public int EndIndex(ReadOnlySpan<long> row) => row.IndexOf(EndId) is var i && i >= 0 ? i : row.Length - 1;

    private string[] Bpe(string piece)
    {
        lock (_cache) if (_cache.TryGetValue(piece, out var hit)) return hit;
        var bytes = Encoding.UTF8.GetBytes(piece);
        var word = new List<string>(bytes.Length);
        foreach (var b in bytes) word.Add(ByteToChar[b].ToString());
        word[^1] += "</w>";
        while (word.Count > 1)
        {
            int best = int.MaxValue;
            (string, string) pair = default;
            for (int i = 0; i + 1 < word.Count; i++)
                if (_ranks.TryGetValue((word[i], word[i + 1]), out int r) && r < best) { best = r; pair = (word[i], word[i + 1]); }
            if (best == int.MaxValue) break;
            var merged = new List<string>(word.Count);
            for (int i = 0; i < word.Count; i++)
            {
                if (i + 1 < word.Count && word[i] == pair.Item1 && word[i + 1] == pair.Item2) { merged.Add(pair.Item1 + pair.Item2); i++; }
                else merged.Add(word[i]);
            }
            word = merged;
        }
        var result = word.ToArray();
        lock (_cache) _cache[piece] = result;
        return result;
    }

    /// <summary>
    /// GPT-2's reversible byte → character table: printable Latin-1 bytes ('!'..'~', '¡'..'¬',
    /// '®'..'ÿ') map to themselves, the other 68 bytes to U+0100 onwards in byte order.
    /// </summary>
    private static char[] BuildByteTable()
    {
        var table = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)(256 + next++);
        }
        return table;
    }
}
