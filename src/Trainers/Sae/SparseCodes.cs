namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The active latents of a block of rows in compressed-row form: row r's entries are
/// <c>Index[RowStart[r]..RowStart[r+1]]</c> with values <c>Value[…]</c>, latent indices ascending.
/// </summary>
public sealed class SparseCodes
{
    /// <summary>Creates codes with room for <paramref name="capacity"/> entries.</summary>
    public SparseCodes(int rows, int capacity)
    {
        Rows = rows;
        RowStart = new int[rows + 1];
        Index = new int[Math.Max(1, capacity)];
        Value = new float[Math.Max(1, capacity)];
    }

    /// <summary>Rows in the block.</summary>
    public int Rows { get; }
    /// <summary>Row offsets (Rows + 1 values).</summary>
    public int[] RowStart { get; }
    /// <summary>Latent index of each entry.</summary>
    public int[] Index { get; private set; }
    /// <summary>Code value of each entry.</summary>
    public float[] Value { get; private set; }
    /// <summary>Number of entries.</summary>
    public int Count => RowStart[Rows];

    /// <summary>Makes room for at least <paramref name="capacity"/> entries (contents are not kept).</summary>
    public void Reserve(int capacity)
    {
        if (Index.Length >= capacity) return;
        Index = new int[capacity];
        Value = new float[capacity];
    }

    /// <summary>
    /// Fills the codes from per-row selections: <paramref name="counts"/>[r] entries per row, then
    /// <paramref name="fill"/>(r, indexSpan, valueSpan) writes them (rows run in parallel).
    /// </summary>
    public void Build(int[] counts, Action<int, Span<int>, Span<float>> fill, ParallelOptions parallel)
    {
        RowStart[0] = 0;
        for (int r = 0; r < Rows; r++) RowStart[r + 1] = RowStart[r] + counts[r];
        Reserve(RowStart[Rows]);
        Parallel.For(0, Rows, parallel, r =>
        {
            int s = RowStart[r], len = RowStart[r + 1] - s;
            fill(r, Index.AsSpan(s, len), Value.AsSpan(s, len));
        });
    }

    /// <summary>
    /// Sets the row offsets for rows written at fixed slots (row r's <paramref name="counts"/>[r] entries at r·<paramref name="stride"/>)
    /// and moves each row down to close the gaps (a no-op when every row is full).
    /// </summary>
    public void CloseGaps(int[] counts, int stride)
    {
        RowStart[0] = 0;
        for (int r = 0; r < Rows; r++)
        {
            RowStart[r + 1] = RowStart[r] + counts[r];
            if (RowStart[r] != r * stride)
            {
                Array.Copy(Index, r * stride, Index, RowStart[r], counts[r]);
                Array.Copy(Value, r * stride, Value, RowStart[r], counts[r]);
            }
        }
    }

    /// <summary>The codes as a dense rows×n matrix.</summary>
    public float[] ToDense(int latents)
    {
        var dense = new float[(long)Rows * latents];
        for (int r = 0; r < Rows; r++)
            for (int e = RowStart[r]; e < RowStart[r + 1]; e++) dense[(long)r * latents + Index[e]] = Value[e];
        return dense;
    }
}
