namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Work arrays of <see cref="SaeStep"/> and <see cref="AuxKLoss"/> kept between steps, one named buffer per use, so
/// no two uses can share an array by accident (a step at B = 4096, n = 12288 would otherwise allocate and page in 200 MB).
/// The per-group reconstruction suffixes are a list that grows with the number of Matryoshka groups.
/// </summary>
internal sealed class StepBuffers
{
    private readonly List<ReusedBuffer> _groupSuffixes = [];

    /// <summary>Centred inputs xc = x − b_dec, B×d.</summary>
    public ReusedBuffer Centered { get; } = new();
    /// <summary>Pre-activations, B×n.</summary>
    public ReusedBuffer PreActivations { get; } = new();
    /// <summary>Full residual x̂ − x of the widest group, B×d.</summary>
    public ReusedBuffer Residual { get; } = new();
    /// <summary>AuxK: ∂L/∂z over the compacted dead latents (dense path), B×m.</summary>
    public ReusedBuffer DeadCodeGradients { get; } = new();
    /// <summary>AuxK (dense path): decoder rows of the dead latents, compacted, m×d.</summary>
    public ReusedBuffer DeadDecoder { get; } = new();
    /// <summary>AuxK (dense path): encoder rows of the dead latents, compacted, m×d.</summary>
    public ReusedBuffer DeadEncoder { get; } = new();
    /// <summary>AuxK: dense codes of the selected dead latents, B×m.</summary>
    public ReusedBuffer DeadCodes { get; } = new();
    /// <summary>AuxK: ê − e (scaled to its gradient on the dense path), B×d.</summary>
    public ReusedBuffer AuxDifference { get; } = new();
    /// <summary>Per-entry weights of a column product, in column order (<see cref="CodeColumns.InColumnOrder"/>).</summary>
    public ReusedBuffer ColumnWeights { get; } = new();
    /// <summary>AuxK: ∂L/∂z of its selected entries, in column order.</summary>
    public ReusedBuffer ColumnDots { get; } = new();
    /// <summary>AuxK: a weight gradient over the compacted dead latents before it is scattered, m×d.</summary>
    public ReusedBuffer DeadWeightGradient { get; } = new();

    /// <summary>
    /// The packed tiles of the sparse products, used by one product at a time. Why keep it: a step packs about 90 MB (the decoder,
    /// the dead latents' rows, the row blocks of the residual and of the inputs), and a fresh pinned array per product came from
    /// newly mapped pages every time; at 25 % dead latents (768 × 12,288, B 4,096) the page faults and first touches cost about
    /// as much CPU time as the products' arithmetic.
    /// </summary>
    public ReusedBuffer Packed { get; } = new(pinned: true);

    /// <summary>The suffix-sum buffer of Matryoshka group <paramref name="group"/> (B×d).</summary>
    public ReusedBuffer GroupSuffix(int group)
    {
        while (_groupSuffixes.Count <= group) _groupSuffixes.Add(new ReusedBuffer());
        return _groupSuffixes[group];
    }
}

/// <summary>
/// An array kept for reuse that grows when a call needs more; its contents are not cleared. A pinned one stays where it is
/// (the packed tiles of the sparse products start on a 64-byte boundary found once per packing).
/// </summary>
internal sealed class ReusedBuffer(bool pinned = false)
{
    private float[]? _array;

    /// <summary>The array, at least <paramref name="length"/> long.</summary>
    public float[] Get(long length)
    {
        if (_array is null || _array.LongLength < length)
            _array = pinned ? GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true) : new float[length];
        return _array;
    }
}
