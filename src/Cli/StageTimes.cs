using System.Diagnostics;
using System.Globalization;

namespace MlNetConcepts.Cli;

/// <summary>
/// Wall-clock and process CPU time of a command's stages, for <c>--verbose</c>: on a shared machine the
/// wall time of a stage says little, the CPU time of the whole process (all threads) says where the work went.
/// </summary>
internal sealed class StageTimes
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly List<(string Stage, double Wall, double Cpu)> _stages = [];
    private double _lastWall, _lastCpu = Cpu();

    /// <summary>Ends the stage running since the previous mark (or since construction) under <paramref name="stage"/>.</summary>
    public void Mark(string stage)
    {
        double wall = _wall.Elapsed.TotalSeconds, cpu = Cpu();
        _stages.Add((stage, wall - _lastWall, cpu - _lastCpu));
        (_lastWall, _lastCpu) = (wall, cpu);
    }

    /// <summary>One line per stage: "stage: wall s, cpu s".</summary>
    public void Print(TextWriter to)
    {
        foreach (var (stage, wall, cpu) in _stages)
            to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time {stage}: {wall:0.000} s wall, {cpu:0.000} s CPU"));
    }

    private static double Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }
}
