using System.Globalization;
using System.Runtime.InteropServices;

namespace MlNetConcepts.Benchmarks;

/// <summary>
/// Per-thread scheduler figures of this process around one call, from Linux's
/// <c>/proc/self/task/&lt;tid&gt;/schedstat</c> (nanoseconds on a core, nanoseconds runnable but
/// waiting for a core, times scheduled in): which threads spent the CPU time and how long they
/// waited for a core, i.e. how much the threads fought each other and other processes. Threads
/// are grouped by name (<c>comm</c>: ".NET TP Worker", and "dotnet" for the main thread and
/// unnamed native threads such as ONNX Runtime's pool). A thread that starts and ends inside the
/// call (the extraction worker lives for one run) is in neither snapshot: its CPU time is the
/// process total (<c>getrusage</c>, which counts ended threads) minus the survivors'.
/// Empty on systems without schedstat.
/// </summary>
internal static partial class ThreadTimes
{
    /// <summary>One group of threads: CPU ms, ms runnable but waiting for a core, times scheduled in.</summary>
    internal readonly record struct Usage(string Name, int Threads, double CpuMs, double WaitMs, long Slices);

    /// <summary>The runtime's background JIT thread (tiered compilation), as Linux shortens its name.</summary>
    public const string JitThread = ".NET Tiered Com";

    /// <summary>The groups, the CPU ms of threads that ended during the call, and the process's context switches.</summary>
    internal sealed record Report(IReadOnlyList<Usage> Groups, double EndedCpuMs, long ContextSwitches)
    {
        /// <summary>CPU ms of the threads named <paramref name="name"/> (0 when none ran).</summary>
        public double CpuMsOf(string name) => Groups.Where(g => g.Name == name).Sum(g => g.CpuMs);

        public override string ToString()
            => Groups.Count == 0 ? "(no schedstat)" : string.Join("; ", Groups.Select(u => FormattableString.Invariant(
                $"{u.Name} ×{u.Threads}: cpu {u.CpuMs:F1} ms, waiting for a core {u.WaitMs:F1} ms, {u.Slices} slices")))
                + FormattableString.Invariant($"; threads ended during the call: cpu {EndedCpuMs:F1} ms; process context switches {ContextSwitches}");
    }

    public static Report Around(Action action)
    {
        var before = Snapshot();
        var (cpu0, switches0) = ProcessTotals();
        action();
        var (cpu1, switches1) = ProcessTotals();
        var after = Snapshot();
        var groups = after
            .Select(kv => (kv.Value.Name, Delta: before.TryGetValue(kv.Key, out var b) ? kv.Value.Stats.Minus(b.Stats) : kv.Value.Stats))
            .Where(x => x.Delta.Slices > 0)
            .GroupBy(x => x.Name)
            .Select(g => new Usage(g.Key, g.Count(), g.Sum(x => x.Delta.RunNs) / 1e6, g.Sum(x => x.Delta.WaitNs) / 1e6, g.Sum(x => x.Delta.Slices)))
            .OrderByDescending(u => u.CpuMs)
            .ToList();
        double ended = groups.Count == 0 ? 0 : Math.Max(0, (cpu1 - cpu0) / 1e3 - groups.Sum(g => g.CpuMs));
        return new Report(groups, ended, switches1 - switches0);
    }

    private readonly record struct Stats(long RunNs, long WaitNs, long Slices)
    {
        public Stats Minus(Stats o) => new(RunNs - o.RunNs, WaitNs - o.WaitNs, Slices - o.Slices);
    }

    private static Dictionary<string, (string Name, Stats Stats)> Snapshot()
    {
        var result = new Dictionary<string, (string, Stats)>();
        if (!Directory.Exists("/proc/self/task")) return result;
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var f = File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ');
                var name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                result[Path.GetFileName(dir)] = (name, new Stats(
                    long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture)));
            }
            catch (IOException) { /* the thread ended between listing and reading */ }
        }
        return result;
    }

    /// <summary>Process CPU µs (user + system, all threads, ended ones included) and context switches (voluntary + involuntary).</summary>
    private static (long CpuUs, long Switches) ProcessTotals()
    {
        if (!OperatingSystem.IsLinux()) return (0, 0);
        var r = new long[18];
        if (GetRUsage(0, r) != 0) return (0, 0);
        // struct rusage on 64-bit Linux: ru_utime {sec, usec}, ru_stime {sec, usec}, then 14 longs ending with nvcsw, nivcsw.
        return (r[0] * 1_000_000 + r[1] + r[2] * 1_000_000 + r[3], r[16] + r[17]);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, [Out] long[] usage);
}
