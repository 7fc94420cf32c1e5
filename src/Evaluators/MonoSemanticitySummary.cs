using MlNetConcepts.Reports;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// The summary of Pach et al. 2025's tables for a MonoSemanticity report: mean ± std over the live
/// neurons (NaN = dead, left out), best, worst, median, dead count, and the distribution.
/// </summary>
public static class MonoSemanticitySummary
{
    /// <summary>One-row summary: units, dead, mean, std (n − 1), best, worst, median, mean support.</summary>
    public static EvaluationReport Summarize(EvaluationReport scores)
    {
        var ms = scores.Table.Doubles("ms");
        var stats = Statistics.Summarize(ms);
        var support = scores.Table.Int32s("support");
        var frame = new EvaluationReport($"{scores.Title} summary")
            .Add("units", new[] { ms.Length })
            .Add("dead", new[] { stats.NaNCount })
            .Add("mean", new[] { stats.Mean })
            .Add("std", new[] { stats.Std })
            .Add("best", new[] { stats.Max })
            .Add("worst", new[] { stats.Min })
            .Add("median", new[] { stats.Median })
            .Add("mean_support", new[] { support.Length == 0 ? double.NaN : support.Average() });
        frame.WithParametersOf(scores);
        return frame;
    }

    /// <summary>
    /// The distribution of live scores in equal bins over [0, 1], or over [−1, 1] when some score
    /// is negative (MS is a weighted mean of cosines, so it can dip below 0).
    /// </summary>
    public static EvaluationReport Distribution(EvaluationReport scores, int bins = 10)
    {
        var ms = scores.Table.Doubles("ms");
        double lo = ms.Any(v => v < 0) ? -1 : 0;
        return Histogram.Of(ms, lo < 0 ? 2 * bins : bins, lo, 1, title: $"{scores.Title} distribution");
    }
}
