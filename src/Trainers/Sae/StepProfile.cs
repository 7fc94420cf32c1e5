using System.Diagnostics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Wall-clock and process CPU milliseconds per phase of <see cref="SaeStep.Run"/>, summed over the steps it was
/// attached to (the benchmark prints where a step's time goes, and CPU / wall says how many threads a phase kept
/// busy). Timing costs two clock reads and one resource-usage call per phase; nothing is measured when no profile
/// is attached.
/// </summary>
internal sealed class StepProfile
{
    /// <summary>The phases in the order a step runs them.</summary>
    public static readonly string[] Phases = ["inputs", "encoder GEMM", "selection", "decoder", "AuxK selection", "AuxK decode",
        "AuxK column index", "AuxK decoder and code gradients", "AuxK encoder gradient", "penalty", "encoder backward", "statistics"];

    /// <summary>Indices into <see cref="Phases"/>.</summary>
    public const int Inputs = 0, EncoderGemm = 1, Selection = 2, Decoder = 3, AuxKSelection = 4, AuxKDecode = 5, AuxKColumns = 6,
        AuxKDecoderGradient = 7, AuxKEncoderGradient = 8, Penalty = 9, EncoderBackward = 10, Statistics = 11;

    private long _wallMark;
    private TimeSpan _cpuMark;

    /// <summary>Wall milliseconds per phase (same order as <see cref="Phases"/>).</summary>
    public double[] Milliseconds { get; } = new double[Phases.Length];

    /// <summary>Process CPU milliseconds per phase (all threads of the process, OpenBLAS's included).</summary>
    public double[] CpuMilliseconds { get; } = new double[Phases.Length];

    /// <summary>Steps recorded.</summary>
    public int Steps { get; set; }

    /// <summary>Starts timing the first phase of a step.</summary>
    public void Start()
    {
        _wallMark = Stopwatch.GetTimestamp();
        _cpuMark = Environment.CpuUsage.TotalTime;
    }

    /// <summary>Adds the time since the last mark to <paramref name="phase"/> and restarts the mark.</summary>
    public void Lap(int phase)
    {
        long now = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        Milliseconds[phase] += (now - _wallMark) * 1000.0 / Stopwatch.Frequency;
        CpuMilliseconds[phase] += (cpu - _cpuMark).TotalMilliseconds;
        _wallMark = now;
        _cpuMark = cpu;
    }
}
