namespace MlNetConcepts.Trainers.Sae;

/// <summary>A progress report during training.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">Total loss of the last step.</param>
/// <param name="R2">1 − SSE/SST of the last batch (scaled inputs).</param>
/// <param name="L0">Mean active latents per sample in the last batch.</param>
/// <param name="DeadFraction">Fraction of latents dead (not fired within the window).</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
public sealed record SaeProgress(int Step, int TotalSteps, double Loss, double R2, double L0, double DeadFraction, double LearningRate);
