namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The distance work of one greedy k-means++ step (<see cref="KMeansPlusPlus"/>): the squared
/// distances ‖x_i − c_t‖² = ‖x_i‖² + ‖c_t‖² − 2·x_i·c_t (clamped at 0) from every row to a few
/// candidate centres, the potential Σ_i min(closest_i, ‖x_i − c_t‖²) each candidate would leave,
/// and folding the chosen candidate's distances into the running minimum. Two implementations:
/// <see cref="GemmCandidateDistances"/> (one SGEMM per block of rows, the reference) and
/// <see cref="FusedCandidateDistances"/> (one pass with the products in registers, skipping rows
/// the triangle inequality proves unaffected). A candidate's distance to a row never depends on the
/// other candidates scored with it, so <see cref="Fold"/> may recompute it and get the value
/// <see cref="Score"/> saw.
/// </summary>
internal abstract class CandidateDistances(LloydRows rows)
{
    /// <summary>The rows scored.</summary>
    protected LloydRows Rows { get; } = rows;

    /// <summary>
    /// potentials[t] = Σ_i min(closest[i], dist(i, t)) in float64 for the <paramref name="count"/> candidates
    /// (row-major in <paramref name="candidates"/>, squared norms in <paramref name="norms"/>); when
    /// <paramref name="all"/> is given (n × count), also all[i·count + t] = dist(i, t), or +∞ where
    /// dist(i, t) ≥ closest[i] is known without computing it. <paramref name="centres"/> holds the
    /// <paramref name="chosen"/> centres chosen so far (row-major).
    /// </summary>
    public abstract void Score(float[] centres, int chosen, float[] candidates, float[] norms, int count,
        float[] closest, float[]? all, double[] potentials);

    /// <summary>
    /// closest[i] = min(closest[i], dist(i, <paramref name="best"/>)), the candidate becoming centre number
    /// <paramref name="chosen"/>: from <paramref name="all"/> when given (as <see cref="Score"/> filled it),
    /// otherwise by computing the distances again.
    /// </summary>
    public abstract void Fold(float[] centres, int chosen, float[] candidates, float[] norms, int count, int best,
        float[] closest, float[]? all);
}
