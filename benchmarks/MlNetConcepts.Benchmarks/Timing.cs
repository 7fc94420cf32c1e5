using System.Diagnostics;

namespace MlNetConcepts.Benchmarks;

/// <summary>Wall-clock timings of repeated runs: best (least disturbed by other load) and median.</summary>
internal readonly record struct Timing(double BestSeconds, double MedianSeconds)
{
    /// <summary>One warm-up call (JIT, page faults, thread start-up), then <paramref name="repeats"/> timed calls.</summary>
    public static Timing Measure(Action action, int repeats)
    {
        action();
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(times);
        return new Timing(times[0], times[repeats / 2]);
    }

    /// <summary>Wall and process CPU seconds of one call (CPU time is less disturbed than wall time on a shared machine).</summary>
    public static (double Wall, double Cpu) WallAndCpu(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>The better of two measurements of the same thing (best of bests, best of medians).</summary>
    public Timing Merge(Timing other) => new(Math.Min(BestSeconds, other.BestSeconds), Math.Min(MedianSeconds, other.MedianSeconds));
}
