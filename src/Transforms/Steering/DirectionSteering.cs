namespace MlNetConcepts.Transforms.Steering;

/// <summary>
/// Activation steering by a fixed direction: x' = x + v on every token. With v the difference of
/// mean activations between inputs with and without a concept, this is the DiffMean baseline
/// (Arditi et al. 2024, used as the baseline by Pach et al. 2025, sec. 4.3).
/// </summary>
public sealed class DirectionSteering : ITokenEdit
{
    private readonly float[] _direction;

    /// <summary>Adds <paramref name="direction"/> (length d, finite) to every token.</summary>
    public DirectionSteering(float[] direction)
    {
        if (direction.Length == 0) throw new ConceptDataException("direction: empty.");
        for (int i = 0; i < direction.Length; i++)
            if (!float.IsFinite(direction[i])) throw new ConceptDataException($"direction: value {i} is {direction[i]}; every value must be finite.");
        _direction = (float[])direction.Clone();
    }

    /// <inheritdoc />
    public int Width => _direction.Length;

    /// <inheritdoc />
    public float[] Apply(float[] tokens, int rows)
    {
        TokenLayout.CheckRows(tokens, rows, Width);
        var y = (float[])tokens.Clone();
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(y.AsSpan(r * Width, Width), _direction, y.AsSpan(r * Width, Width));
        return y;
    }
}
