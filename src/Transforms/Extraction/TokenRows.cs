namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// Token selection straight from an output tensor in ONNX Runtime's memory into exactly sized
/// row arrays: the rows of each sample are counted first, so every value is copied once (the
/// reference, <see cref="ActivationExtractor.Rows"/>, copies the output into an array and grows
/// lists). Same rows, same order and the same float64 sums for means, so the results are equal
/// bit for bit (tested).
/// </summary>
internal static class TokenRows
{
    /// <summary>
    /// How an output of shape <paramref name="s"/> holds its tokens: [batch, width] (no tokens), [batch, tokens, width],
    /// or channels first [batch, channels, h, w] with one token per spatial position.
    /// </summary>
    internal static (int Tokens, int Width, bool ChannelsFirst) Layout(string name, long[] s, int count, string modelPath)
    {
        if (s.Length == 0 || s[0] < count) throw new ConceptDataException($"{modelPath}: tensor '{name}' has shape [{string.Join(",", s)}], no batch dimension of {count}.");
        return s.Length switch
        {
            2 => (0, (int)s[1], false),
            3 => ((int)s[1], (int)s[2], false),
            4 => ((int)(s[2] * s[3]), (int)s[1], true),
            _ => throw new ConceptDataException($"{modelPath}: tensor '{name}' has rank {s.Length} (shape [{string.Join(",", s)}]); rows are made from rank 2 [batch,width], 3 [batch,tokens,width] or 4 [batch,channels,h,w]."),
        };
    }

    /// <summary>Rows of output <paramref name="v"/> (shape <paramref name="s"/>) for samples [start, start+count).</summary>
    public static ActivationBlock Select(string name, ReadOnlySpan<float> v, long[] s, int start, int count, ExtractionInput input, ActivationExtractorOptions options)
    {
        var (tokens, width, channelsFirst) = Layout(name, s, count, options.ModelPath);
        if (tokens == 0)
        {
            var ids0 = new long[count];
            var toks0 = new int[count];
            for (int b = 0; b < count; b++) { ids0[b] = start + b; toks0[b] = -1; }
            return new ActivationBlock(name, v[..(count * width)].ToArray(), width, ids0, toks0);
        }

        var picks = new int[count][];
        var valid = new int[count];
        int rows = 0;
        for (int b = 0; b < count; b++)
        {
            int end = input.EndIndex(start + b);
            valid[b] = end >= 0 ? Math.Min(end + 1, tokens) : tokens; // text: padding after the end token is not a token
            picks[b] = options.Tokens.Indices(start + b, valid[b], end, options.Seed);
            foreach (int t in picks[b])
                if (t >= tokens) throw new ConceptDataException($"{options.ModelPath}: tensor '{name}' has {tokens} tokens; token {t} does not exist.");
            rows += picks[b].Length;
        }
        var values = new float[(long)rows * width];
        var ids = new long[rows];
        var toks = new int[rows];
        int perSample = tokens * width, r = 0;
        double[]? acc = null;
        for (int b = 0; b < count; b++)
        {
            var sample = v.Slice(b * perSample, perSample);
            foreach (int t in picks[b])
            {
                var row = values.AsSpan(r * width, width);
                if (t < 0)
                {
                    acc ??= new double[width];
                    Array.Clear(acc);
                    // Token by token, as the reference sums, so the mean is the same float.
                    for (int k = 0; k < valid[b]; k++)
                        for (int d = 0; d < width; d++) acc[d] += channelsFirst ? sample[d * tokens + k] : sample[k * width + d];
                    for (int d = 0; d < width; d++) row[d] = (float)(acc[d] / valid[b]);
                }
                else if (!channelsFirst) sample.Slice(t * width, width).CopyTo(row);
                else
                    for (int d = 0; d < width; d++) row[d] = sample[d * tokens + t];
                ids[r] = start + b;
                toks[r] = t;
                r++;
            }
        }
        return new ActivationBlock(name, values, width, ids, toks);
    }
}
