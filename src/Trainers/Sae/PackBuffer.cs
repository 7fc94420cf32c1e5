namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// A pinned array kept for the packed tiles of the sparse products (<see cref="PackedTiles"/>), one product after another.
/// Why keep it: a step packs about 90 MB (the decoder, the dead latents' rows, the row blocks of the residual and of the inputs),
/// and a fresh pinned array per product came from newly mapped pages every time; at 25 % dead latents (768 × 12,288, B 4,096)
/// the page faults and first touches cost about as much CPU time as the products' arithmetic.
/// </summary>
internal sealed class PackBuffer
{
    private float[]? _array;

    /// <summary>The array, at least <paramref name="length"/> long (grown when needed; its contents are not cleared).</summary>
    public float[] Get(int length)
    {
        if (_array is null || _array.Length < length) _array = Allocate(length);
        return _array;
    }

    /// <summary>A fresh pinned array (pinned, so the 64-byte boundary the tiles start on stays put).</summary>
    public static float[] Allocate(int length) => GC.AllocateUninitializedArray<float>(length, pinned: true);
}
