namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Work arrays of <see cref="SaeStep"/> and <see cref="AuxKLoss"/> kept between steps, by slot; a slot
/// grows when a step needs more (a step at B = 4096, n = 12288 would otherwise allocate and page in 200 MB).
/// </summary>
internal sealed class StepBuffers
{
    private readonly float[]?[] _slots = new float[17][];

    /// <summary>The array in <paramref name="slot"/>, at least <paramref name="length"/> long (contents are not cleared).</summary>
    public float[] Get(int slot, long length)
    {
        var a = _slots[slot];
        if (a is null || a.LongLength < length) _slots[slot] = a = new float[length];
        return a;
    }
}
