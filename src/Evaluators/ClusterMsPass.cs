namespace MlNetConcepts.Evaluators;

/// <summary>
/// MonoSemanticity of every cluster in ONE pass over the clustered activations (N × d) and the embeddings
/// (N × e): each block's memberships d̃_nj = (1 + cos(a_n, μ_j))/2 (Bíla et al. 2025, eq. 4) are computed
/// from the rows and the centroids into a block-sized buffer (the N × J membership is never stored) and
/// go, as the weights of eq. 5, straight into the linear form MS_j = (‖v_j‖² − S2_j)/(S1_j² − S2_j)
/// (<see cref="NeuronMsPass"/> without min–max scaling). The plain reference stores all memberships
/// (<see cref="ClusterMembership.All"/>) and takes <see cref="PairMeanAccumulator"/> over them
/// (<see cref="MonoSemanticityReference.ClustersFromStoredMembership"/>).
/// </summary>
internal sealed class ClusterMsPass
{
    private readonly ClusterMembership _membership;
    private readonly NeuronMsPass _pass;
    private float[] _weights = [];

    public ClusterMsPass(DenseMatrix centroids, int embeddingWidth)
    {
        _membership = new ClusterMembership(centroids);
        _pass = new NeuronMsPass(centroids.Rows, embeddingWidth, minMax: false);
    }

    /// <summary>Samples added so far.</summary>
    public long Rows => _pass.Rows;

    /// <summary>Adds a block: <paramref name="activations"/> rows × d and <paramref name="embeddings"/> rows × e (errors name the sources and rows).</summary>
    public void Add(ReadOnlySpan<float> activations, ReadOnlySpan<float> embeddings, int rows, long firstRow, string activationsSource, string embeddingsSource)
    {
        if (rows == 0) return;
        int j = _membership.Clusters;
        if (_weights.Length < rows * j) _weights = new float[rows * j];
        _membership.OfRows(activations, rows, firstRow, activationsSource, _weights);
        _pass.AddDense(_weights.AsSpan(0, rows * j), embeddings, rows, firstRow, "cluster memberships", embeddingsSource);
    }

    /// <summary>The scores (NaN: weight on at most one sample) and the support (samples with d̃ &gt; 0) of each cluster.</summary>
    public (double[] Ms, int[] Support) Finish() => _pass.Finish();
}
