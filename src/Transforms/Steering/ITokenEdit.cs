namespace MlNetConcepts.Transforms.Steering;

/// <summary>A change applied to the tokens of a tensor: rows of <see cref="Width"/> values, one row per token.</summary>
public interface ITokenEdit
{
    /// <summary>The token width d the edit works on.</summary>
    int Width { get; }

    /// <summary>The edited tokens (a new array; <paramref name="tokens"/> is rows×<see cref="Width"/>, row-major, and is not changed).</summary>
    float[] Apply(float[] tokens, int rows);
}
