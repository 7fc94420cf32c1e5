namespace MlNetConcepts.Trainers.Sae;

/// <summary>A progress report during training.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">Total loss of the last step.</param>
/// <param name="R2">1 − SSE/SST of the last batch (scaled inputs).</param>
/// <param name="L0">Mean active latents per sample in the last batch.</param>
/// <param name="DeadFraction">Fraction of latents silent on each of the last <paramref name="DeadSpanSamples"/> training samples:
/// the same measure as <see cref="SaeMetrics.DeadFraction"/> (never active on the evaluated rows), over as many samples as
/// the final metrics evaluate (the held-out rows, else all rows; fewer early in the run: silent since the start).</param>
/// <param name="DeadSpanSamples">The number of samples <paramref name="DeadFraction"/> looks back over.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
public sealed record SaeProgress(int Step, int TotalSteps, double Loss, double R2, double L0, double DeadFraction, long DeadSpanSamples, double LearningRate);
