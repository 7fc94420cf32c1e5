namespace MlNetConcepts.Reports;

/// <summary>Summary of a sample of doubles, NaNs counted apart and left out of the rest.</summary>
/// <param name="Count">Non-NaN values.</param>
/// <param name="NaNCount">NaN values.</param>
/// <param name="Mean">Mean of the non-NaN values (NaN when there are none).</param>
/// <param name="Std">Sample standard deviation (n − 1; NaN for fewer than two values).</param>
/// <param name="Min">Minimum.</param>
/// <param name="Q25">First quartile (linear interpolation, numpy's default).</param>
/// <param name="Median">Median.</param>
/// <param name="Q75">Third quartile.</param>
/// <param name="Max">Maximum.</param>
public sealed record SummaryStatistics(int Count, int NaNCount, double Mean, double Std, double Min, double Q25, double Median, double Q75, double Max);

/// <summary>Plain descriptive statistics used by reports and summaries.</summary>
public static class Statistics
{
    /// <summary>Summarises a sequence of values.</summary>
    public static SummaryStatistics Summarize(IEnumerable<double> values)
    {
        var all = values.ToList();
        var v = all.Where(x => !double.IsNaN(x)).Order().ToArray();
        int nan = all.Count - v.Length;
        if (v.Length == 0) return new(0, nan, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : double.NaN;
        return new(v.Length, nan, mean, std, v[0], Quantile(v, 0.25), Quantile(v, 0.5), Quantile(v, 0.75), v[^1]);
    }

    /// <summary>Quantile of sorted values with linear interpolation between order statistics.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
