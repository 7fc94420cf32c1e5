using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace MlNetConcepts.Transforms.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer (Radford et al. 2021) from a <c>vocab.json</c> (token → id)
/// and a <c>merges.txt</c> (one merge "a b" per line, rank = line order; a "#version" header is
/// skipped), run by Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>. Steps: HTML-unescape
/// (twice), collapse whitespace, trim, lower-case (<see cref="Clean"/>); split with CLIP's
/// pattern (special tokens, English contractions, letter runs, single digits, runs of other
/// non-space characters); byte-level BPE with the end-of-word suffix <c>&lt;/w&gt;</c>; frame with
/// <c>&lt;|startoftext|&gt;</c> / <c>&lt;|endoftext|&gt;</c> (49406/49407 in OpenAI's vocabulary),
/// truncate to the context keeping the end token, pad. ftfy's mojibake repair is not applied
/// (text is assumed to be valid Unicode).
/// </summary>
public sealed partial class ClipBpeTokenizer : ITextTokenizer
{
    /// <summary>The start-of-text token.</summary>
    public const string StartToken = "<|startoftext|>";
    /// <summary>The end-of-text token.</summary>
    public const string EndToken = "<|endoftext|>";
    private const string EndOfWord = "</w>";

    private readonly BpeTokenizer _bpe;

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Loads the vocabulary and merges.</summary>
    /// <param name="vocabJson">Path of vocab.json; it must hold every byte token with and without <c>&lt;/w&gt;</c> and the start/end tokens.</param>
    /// <param name="mergesTxt">Path of merges.txt.</param>
    /// <param name="contextLength">Tokens per row (77 for CLIP).</param>
    /// <param name="padId">Padding id (0 in OpenAI's <c>clip.tokenize</c>; Hugging Face pads with the end id).</param>
    public ClipBpeTokenizer(string vocabJson, string mergesTxt, int contextLength = 77, long padId = 0)
    {
        VocabPath = Path.GetFullPath(vocabJson);
        MergesPath = Path.GetFullPath(mergesTxt);
        if (contextLength < 2) throw new ConceptDataException($"context length must be ≥ 2, got {contextLength}.");
        ContextLength = contextLength;
        PadId = padId;
        var vocab = ReadVocabulary(vocabJson);
        var merges = ReadMerges(mergesTxt);
        StartId = Id(vocab, StartToken, vocabJson);
        EndId = Id(vocab, EndToken, vocabJson);
        CheckByteTokens(vocab, vocabJson);
        var special = new Dictionary<string, int> { [StartToken] = (int)StartId, [EndToken] = (int)EndId };
        _bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            SpecialTokens = special,
            ByteLevel = true,
            EndOfWordSuffix = EndOfWord,
            Normalizer = new ClipNormalizer(),
            PreTokenizer = new RegexPreTokenizer(Pattern(), special),
        });
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

    /// <summary>The cleaned text CLIP tokenizes: HTML-unescaped, whitespace collapsed, trimmed, lower-case.</summary>
    public static string Clean(string text)
    {
        var t = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        return Whitespace().Replace(t, " ").Trim().ToLowerInvariant();
    }

    /// <summary>BPE token ids of <paramref name="text"/> without start/end tokens or padding.</summary>
    public List<long> Tokenize(string text) => _bpe.EncodeToIds(text).Select(id => (long)id).ToList();

    /// <inheritdoc />
    public long[] Encode(string text) => TextTokenizerExtensions.Frame(Tokenize(text), StartId, EndId, PadId, ContextLength);

    /// <inheritdoc />
    public int EndIndex(ReadOnlySpan<long> row) => row.IndexOf(EndId) is var i && i >= 0 ? i : row.Length - 1;

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path)) ?? throw new ConceptDataException($"{path}: empty vocabulary.");
        }
        catch (JsonException e) { throw new ConceptDataException($"{path}: not a token → id JSON object ({e.Message}).", e); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ConceptDataException($"{path}: file not found.", e); }
    }

    private static List<string> ReadMerges(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ConceptDataException($"{path}: file not found.", e); }
        var merges = new List<string>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            if (line.Split(' ').Length != 2) throw new ConceptDataException($"{path}: line {i + 1} is not a merge 'a b': '{line}'.");
            merges.Add(line);
        }
        return merges;
    }

    private static long Id(Dictionary<string, int> vocab, string token, string path) => vocab.TryGetValue(token, out int id) ? id
        : throw new ConceptDataException($"{path}: token '{token}' is not in the vocabulary.");

    /// <summary>
    /// A byte-level vocabulary must spell any text: each of the 256 byte characters, bare and with
    /// <c>&lt;/w&gt;</c>. Checked at load because BPE would otherwise drop unspellable text silently.
    /// </summary>
    private static void CheckByteTokens(Dictionary<string, int> vocab, string path)
    {
        var missing = ByteCharacters().SelectMany(c => new[] { c, c + EndOfWord }).Where(t => !vocab.ContainsKey(t)).ToList();
        if (missing.Count > 0)
            throw new ConceptDataException($"{path}: not a byte-level CLIP vocabulary: {missing.Count} of the 512 byte tokens are missing (e.g. '{missing[0]}').");
    }

    /// <summary>
    /// GPT-2's reversible byte → character table: printable Latin-1 bytes ('!'..'~', '¡'..'¬',
    /// '®'..'ÿ') map to themselves, the other 68 bytes to U+0100 onwards in byte order.
    /// </summary>
    private static IEnumerable<string> ByteCharacters()
    {
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            yield return ((char)(printable ? b : 256 + next++)).ToString();
        }
    }

    /// <summary>CLIP's text clean-up (<see cref="Clean"/>) as the tokenizer's normalizer.</summary>
    private sealed class ClipNormalizer : Normalizer
    {
        public override string Normalize(string original) => Clean(original);
        public override string Normalize(ReadOnlySpan<char> original) => Clean(original.ToString());
    }
}
