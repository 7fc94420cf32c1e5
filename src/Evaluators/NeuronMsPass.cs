using MlNetConcepts.Views;

namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity of every column of a weight matrix in ONE pass over the weights A (N × K) and the
/// embeddings E (N × e). MS_k = (‖v_k‖² − S2_k)/(S1_k² − S2_k) with w the weights, S1 = Σ_n w_nk,
/// S2 = Σ_n w_nk², v_k = Σ_n w_nk ê_n (Pach et al. 2025, eq. 9 in linear form). Neurons: w = ã, the
/// min–max scaled activations (MS does not depend on the scale of ã, so only the shift to the minimum
/// matters; see <see cref="ShiftedColumnSums"/>); clusters (<see cref="ClusterMsPass"/>): w = d̃ as it is
/// (Bíla et al. 2025, eq. 5). Support is the number of samples with w &gt; 0.
/// The plain two-pass form (<see cref="MinMaxScaling"/> then <see cref="PairMeanAccumulator"/>) and the
/// brute-force pair loop (<see cref="MonoSemanticityReference"/>) are its references.
/// </summary>
internal sealed class NeuronMsPass(int columns, int embeddingWidth, bool minMax = true)
{
    private readonly ShiftedColumnSums _sums = new(columns, embeddingWidth, minMax);
    private readonly UnitRowBuffer _unit = new(embeddingWidth);

    /// <summary>Samples added so far.</summary>
    public long Rows => _sums.Rows;

    /// <summary>
    /// Adds a dense block: <paramref name="a"/> rows × K and <paramref name="embeddings"/> rows × e.
    /// A non-finite activation, or a non-finite or all-zero embedding, is an error naming the source
    /// and the row (<paramref name="firstRow"/> + its place in the block).
    /// </summary>
    public void AddDense(ReadOnlySpan<float> a, ReadOnlySpan<float> embeddings, int rows, long firstRow, string activationsSource, string embeddingsSource)
    {
        if (rows == 0) return;
        var unit = _unit.Normalise(embeddings, rows, firstRow, embeddingsSource);
        _sums.AddDense(a, rows, firstRow, activationsSource, unit);
    }

    /// <summary>Adds a block of compressed sparse rows (implicit entries are 0) with its dense embeddings.</summary>
    public void AddSparse(SparseBatch a, ReadOnlySpan<float> embeddings, long firstRow, string activationsSource, string embeddingsSource)
    {
        if (a.Rows == 0) return;
        var unit = _unit.Normalise(embeddings, a.Rows, firstRow, embeddingsSource);
        _sums.AddSparse(a, firstRow, activationsSource, unit);
    }

    /// <summary>
    /// The scores (NaN: constant neuron, weight on at most one sample, or a zero denominator) and the
    /// support of each column.
    /// </summary>
    public (double[] Ms, int[] Support) Finish()
    {
        int k = _sums.Columns;
        var ms = new double[k];
        var support = new int[k];
        var u = _sums.ProfileSum;
        for (int c = 0; c < k; c++)
        {
            support[c] = (int)_sums.Support(c);
            double delta = _sums.Delta(c);
            double s1 = _sums.ShiftedS1(c), s2 = _sums.ShiftedS2(c);
            double denominator = s1 * s1 - s2;
            if ((minMax && _sums.IsConstant(c)) || support[c] <= 1 || !(denominator > 0))
            {
                ms[c] = double.NaN;
                continue;
            }
            var v = _sums.RawCross(c);
            double norm2 = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double x = v[i] - delta * u[i];
                norm2 += x * x;
            }
            ms[c] = (norm2 - s2) / denominator;
        }
        return (ms, support);
    }
}
