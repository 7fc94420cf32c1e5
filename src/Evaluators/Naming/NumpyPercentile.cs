namespace MlNetConcepts.Evaluators.Naming;

/// <summary>
/// Percentiles as numpy computes them by default (<c>numpy.percentile(a, q)</c>, method "linear"):
/// sort the n values, take the fractional rank h = (n − 1)·q/100 and interpolate linearly between
/// the values at ⌊h⌋ and ⌊h⌋ + 1.
/// </summary>
public static class NumpyPercentile
{
    /// <summary>The <paramref name="q"/>-th percentile (0–100) of the finite <paramref name="values"/>; NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values, double q)
    {
        if (!(q >= 0 && q <= 100)) throw new ConceptDataException($"q must be within [0, 100], got {q}.", ["q"]);
        var sorted = values.Where(double.IsFinite).ToArray();
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        double h = (sorted.Length - 1) * (q / 100);
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        double frac = h - lo;
        // numpy's _lerp form: exact at both ends.
        double a = sorted[lo], b = sorted[lo + 1];
        return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
    }
}
