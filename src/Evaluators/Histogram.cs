using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>Fixed-width histograms of scores (NaN values are left out), optionally weighted.</summary>
public static class Histogram
{
    /// <summary>
    /// Counts values in <paramref name="bins"/> equal bins over [lo, hi] (the last bin closed;
    /// values outside are clamped into the end bins). With weights, a <c>weight</c> column sums
    /// them and <c>weight_share</c> divides by the total weight of non-NaN values.
    /// </summary>
    public static EvaluationReport Of(IReadOnlyList<double> values, int bins, double lo, double hi, IReadOnlyList<double>? weights = null, string title = "histogram")
    {
        EvaluatorChecks.Positive(bins, "bins");
        if (!(hi > lo)) throw new ConceptDataException($"Histogram range [{lo}, {hi}] is empty.");
        var counts = new long[bins];
        var mass = new double[bins];
        double total = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (double.IsNaN(v)) continue;
            int b = (int)Math.Floor((v - lo) / (hi - lo) * bins);
            b = Math.Clamp(b, 0, bins - 1);
            counts[b]++;
            if (weights is not null) { mass[b] += weights[i]; total += weights[i]; }
        }
        var frame = new EvaluationReport(title)
            .Add("bin_start", Enumerable.Range(0, bins).Select(b => lo + (hi - lo) * b / bins).ToArray())
            .Add("bin_end", Enumerable.Range(0, bins).Select(b => lo + (hi - lo) * (b + 1) / bins).ToArray())
            .Add("count", counts);
        if (weights is not null)
        {
            frame.Add("weight", mass);
            frame.Add("weight_share", mass.Select(m => total > 0 ? m / total : double.NaN).ToArray());
        }
        return frame.WithParameter("bins", bins).WithParameter("lo", lo).WithParameter("hi", hi);
    }
}
