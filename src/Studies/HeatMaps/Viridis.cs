namespace MlNetConcepts.Studies.HeatMaps;

/// <summary>
/// The viridis colour map (van der Walt and Smith, 2015; perceptually uniform, readable in grey and
/// by colour-blind readers): nine stops of its published 256-entry table (entries 0, 32, …, 224 and
/// 255), interpolated linearly in RGB between them.
/// </summary>
public static class Viridis
{
    // (position in [0, 1], r, g, b): table entry i sits at i / 255.
    private static readonly (double At, double R, double G, double B)[] Stops =
    [
        (0 / 255.0, 0.267004, 0.004874, 0.329415),
        (32 / 255.0, 0.278826, 0.175490, 0.483397),
        (64 / 255.0, 0.229739, 0.322361, 0.545706),
        (96 / 255.0, 0.172719, 0.448791, 0.557885),
        (128 / 255.0, 0.127568, 0.566949, 0.550556),
        (160 / 255.0, 0.157851, 0.683765, 0.501686),
        (192 / 255.0, 0.369214, 0.788888, 0.382914),
        (224 / 255.0, 0.678489, 0.863742, 0.189503),
        (255 / 255.0, 0.993248, 0.906157, 0.143936),
    ];

    /// <summary>The colour of <paramref name="t"/> (clamped to [0, 1]; NaN maps to 0) as RGB in [0, 1].</summary>
    public static (double R, double G, double B) Map(double t)
    {
        if (double.IsNaN(t) || t <= 0) t = 0;
        if (t >= 1) t = 1;
        int i = 1;
        while (i < Stops.Length - 1 && Stops[i].At < t) i++;
        var (a, b) = (Stops[i - 1], Stops[i]);
        double f = (t - a.At) / (b.At - a.At);
        return (a.R + f * (b.R - a.R), a.G + f * (b.G - a.G), a.B + f * (b.B - a.B));
    }
}
