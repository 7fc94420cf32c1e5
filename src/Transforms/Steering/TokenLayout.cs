namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// How a tensor's values are read as tokens of width d and written back:
/// <list type="bullet">
/// <item>[B, d]: one token per sample;</item>
/// <item>[B, T, d] (transformer tokens): B·T tokens, the width last and contiguous;</item>
/// <item>[B, C, H, W] (a convolutional feature map, ONNX's channels-first layout): one token per
/// sample and spatial position, its C channel values gathered across the planes (d = C), so
/// the SAE sees what a 1×1 convolution would: the feature vector at that position.</item>
/// </list>
/// </summary>
public sealed class TokenLayout
{
    private TokenLayout(long[] shape, int width, int rows, bool channelsFirst)
    {
        Shape = shape;
        Width = width;
        Rows = rows;
        ChannelsFirst = channelsFirst;
    }

    /// <summary>The tensor's shape.</summary>
    public long[] Shape { get; }
    /// <summary>Token width d.</summary>
    public int Width { get; }
    /// <summary>Number of tokens.</summary>
    public int Rows { get; }
    /// <summary>Whether tokens are gathered across channel planes ([B, C, H, W]).</summary>
    public bool ChannelsFirst { get; }

    /// <summary>The layout of tensor <paramref name="tensor"/> with shape <paramref name="shape"/>.</summary>
    public static TokenLayout Of(string tensor, long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > Array.MaxLength) throw new ConceptDataException($"tensor '{tensor}': {count} values are too many for one array.");
        return shape.Length switch
        {
            2 or 3 => new TokenLayout(shape, (int)shape[^1], (int)(count / Math.Max(1, shape[^1])), false),
            4 => new TokenLayout(shape, (int)shape[1], (int)(shape[0] * shape[2] * shape[3]), true),
            _ => throw new ConceptDataException($"tensor '{tensor}' has shape [{string.Join(",", shape)}]; steering reads [batch, d], [batch, tokens, d] or [batch, channels, height, width]."),
        };
    }

    /// <summary>The tokens as rows×d, row-major.</summary>
    public float[] ToTokens(float[] values)
    {
        if (!ChannelsFirst) return values;
        int c = Width, plane = (int)(Shape[2] * Shape[3]);
        var t = new float[values.Length];
        for (int b = 0; b < Shape[0]; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++)
                    t[((long)b * plane + p) * c + ch] = values[((long)b * c + ch) * plane + p];
        return t;
    }

    /// <summary>Rows×d tokens back in the tensor's layout.</summary>
    public float[] FromTokens(float[] tokens)
    {
        if (!ChannelsFirst) return tokens;
        int c = Width, plane = (int)(Shape[2] * Shape[3]);
        var v = new float[tokens.Length];
        for (int b = 0; b < Shape[0]; b++)
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++)
                    v[((long)b * c + ch) * plane + p] = tokens[((long)b * plane + p) * c + ch];
        return v;
    }

    /// <summary>Applies <paramref name="edit"/> to the tokens of a tensor of this layout, checking the width.</summary>
    public static float[] Edit(string tensor, float[] values, long[] shape, ITokenEdit edit)
    {
        var layout = Of(tensor, shape);
        if (layout.Width != edit.Width)
            throw new ConceptDataException($"tensor '{tensor}' has tokens of width {layout.Width} (shape [{string.Join(",", shape)}]), but the steering works on width {edit.Width} (the SAE's input width).");
        return layout.FromTokens(edit.Apply(layout.ToTokens(values), layout.Rows));
    }

    internal static void CheckRows(float[] tokens, int rows, int width)
    {
        if (tokens.Length != (long)rows * width)
            throw new ConceptDataException($"tokens: {tokens.Length} values are not {rows} rows of width {width}.");
    }
}
