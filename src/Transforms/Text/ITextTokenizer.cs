namespace MlNetConcepts.Transforms.Text;

/// <summary>Turns texts into fixed-length rows of token ids for a text encoder.</summary>
public interface ITextTokenizer
{
    /// <summary>Tokens per row (the model's context length).</summary>
    int ContextLength { get; }

    /// <summary>
    /// Token ids of <paramref name="text"/>: start token, the text's tokens, end token, then
    /// padding to <see cref="ContextLength"/>; too long texts are truncated keeping the end token.
    /// </summary>
    long[] Encode(string text);

    /// <summary>Index of the end token in an encoded row (where a CLIP-style text tower pools).</summary>
    int EndIndex(ReadOnlySpan<long> row);
}

/// <summary>Helpers shared by the tokenizers.</summary>
public static class TextTokenizerExtensions
{
    /// <summary>Encodes many texts into one row-major [count × context] array.</summary>
    public static long[] EncodeBatch(this ITextTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        int ctx = tokenizer.ContextLength;
        var result = new long[texts.Count * ctx];
        for (int i = 0; i < texts.Count; i++) tokenizer.Encode(texts[i]).CopyTo(result, i * ctx);
        return result;
    }

    /// <summary>Frames <paramref name="tokens"/> with start/end, truncating (keeping the end token) and padding.</summary>
    internal static long[] Frame(List<long> tokens, long start, long end, long pad, int context)
    {
        var row = new long[context];
        Array.Fill(row, pad);
        row[0] = start;
        int n = Math.Min(tokens.Count, context - 2);
        for (int i = 0; i < n; i++) row[1 + i] = tokens[i];
        row[1 + n] = end;
        return row;
    }
}
