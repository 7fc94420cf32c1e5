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

    /// <summary>
    /// What one call cost the process: wall and CPU seconds, the system (kernel) part of the CPU time, minor page
    /// faults (first touches of fresh memory; -1 where /proc/self/stat is missing) and garbage collections of any
    /// generation. Faults and system time tell a call that touches new memory from one that reuses its pages.
    /// </summary>
    public static CallCost Cost(Action action)
    {
        var process = Process.GetCurrentProcess();
        var (cpu0, sys0, faults0, gcs0) = (process.TotalProcessorTime, process.PrivilegedProcessorTime, MinorFaults(), GC.CollectionCount(0));
        long t0 = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        long faults1 = MinorFaults();
        return new CallCost(wall, (process.TotalProcessorTime - cpu0).TotalSeconds, (process.PrivilegedProcessorTime - sys0).TotalSeconds,
            faults0 < 0 || faults1 < 0 ? -1 : faults1 - faults0, GC.CollectionCount(0) - gcs0);
    }

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat), or -1 where that file is missing.</summary>
    public static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return -1;
        string stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
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

/// <summary>One call's wall and CPU seconds, its system CPU seconds, minor page faults and garbage collections (gen 0 counts every one).</summary>
internal readonly record struct CallCost(double Wall, double Cpu, double SystemCpu, long MinorFaults, int Collections);
