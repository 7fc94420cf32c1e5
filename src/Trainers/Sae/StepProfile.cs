using System.Diagnostics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Wall-clock milliseconds per phase of <see cref="SaeStep.Run"/>, summed over the steps it was
/// attached to (the benchmark prints where a step's time goes). Timing costs two clock reads per
/// phase; nothing is measured when no profile is attached.
/// </summary>
internal sealed class StepProfile
{
    /// <summary>The phases in the order a step runs them.</summary>
    public static readonly string[] Phases = ["inputs", "encoder GEMM", "selection", "decoder", "AuxK selection", "AuxK decode", "AuxK backward",
        "penalty", "encoder backward", "statistics"];

    /// <summary>Index of the AuxK phases: the dead pre-activations gathered and their top k_aux per row; the decoding and its
    /// loss; the gradients (and, when AuxK stops early, the rest of its time).</summary>
    public const int AuxKSelection = 4, AuxKDecode = 5, AuxKBackward = 6;

    /// <summary>Milliseconds per phase (same order as <see cref="Phases"/>).</summary>
    public double[] Milliseconds { get; } = new double[Phases.Length];

    /// <summary>Steps recorded.</summary>
    public int Steps { get; set; }

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="phase"/> and restarts the mark.</summary>
    public void Lap(int phase, ref long since)
    {
        long now = Stopwatch.GetTimestamp();
        Milliseconds[phase] += (now - since) * 1000.0 / Stopwatch.Frequency;
        since = now;
    }
}
