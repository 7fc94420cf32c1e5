namespace MlNetConcepts.Trainers.Sae.Synthetic;

/// <summary>Options of <see cref="SuperpositionGenerator"/>.</summary>
public sealed record SuperpositionOptions
{
    /// <summary>Number of planted features M (unit directions).</summary>
    public int Features { get; init; } = 512;
    /// <summary>Ambient dimension d (d &lt; M puts the features in superposition).</summary>
    public int Dimensions { get; init; } = 64;
    /// <summary>Number of samples N.</summary>
    public int Samples { get; init; } = 200_000;
    /// <summary>Expected number of active features per sample (Σⱼ pⱼ).</summary>
    public double MeanActive { get; init; } = 5;
    /// <summary>Firing probabilities follow pⱼ ∝ (j+1)^−α with this α (0 gives uniform frequencies).</summary>
    public double PowerLawExponent { get; init; } = 0.5;
    /// <summary>Mean magnitude of an active feature.</summary>
    public double MagnitudeMean { get; init; } = 1.0;
    /// <summary>Standard deviation of the magnitude (|N(mean, std)|, so magnitudes stay positive).</summary>
    public double MagnitudeStd { get; init; } = 0.25;
    /// <summary>Standard deviation of isotropic Gaussian noise added to every sample.</summary>
    public double NoiseStd { get; init; }
    /// <summary>Random seed.</summary>
    public int Seed { get; init; } = 1;
}
