namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// k-means++ candidate distances by one SGEMM of a block of rows against all candidates
/// (<see cref="SquaredDistances.Gemm"/>, through the compute backend), then plain loops for the
/// potentials and the running minimum: the reference for <see cref="FusedCandidateDistances"/>.
/// The blocks start at multiples of <see cref="Lloyd.BlockRows"/> from row 0, so a streamed source
/// makes the products of the in-memory one.
/// </summary>
internal sealed class GemmCandidateDistances(LloydRows rows) : CandidateDistances(rows)
{
    private readonly int _sub = Math.Min(Lloyd.BlockRows, Math.Max(1, rows.Count));
    private readonly RowBuffer _buffer = new();
    private float[] _dist = [];

    /// <inheritdoc />
    public override void Score(float[] centres, int chosen, float[] candidates, float[] norms, int count,
        float[] closest, float[]? all, double[] potentials)
    {
        int d = Rows.Dimension;
        var scratch = Scratch(count);
        Array.Clear(potentials, 0, count);
        Rows.ForEach(_sub, (start, rows, xs, xNorms) =>
        {
            var block = all is null ? scratch.AsSpan(0, rows * count) : all.AsSpan(start * count, rows * count);
            SquaredDistances.Gemm(xs, xNorms, rows, candidates, norms, count, d, block);
            for (int i = 0; i < rows; i++)
                for (int t = 0; t < count; t++)
                    potentials[t] += Math.Min(closest[start + i], block[i * count + t]);
        }, _buffer);
    }

    /// <inheritdoc />
    public override void Fold(float[] centres, int chosen, float[] candidates, float[] norms, int count, int best,
        float[] closest, float[]? all)
    {
        int n = Rows.Count, d = Rows.Dimension;
        if (all is not null)
        {
            for (int i = 0; i < n; i++) closest[i] = Math.Min(closest[i], all[(long)i * count + best]);
            return;
        }
        var scratch = Scratch(count);
        // The same products as Score (same rows, same candidates), so the same distances.
        Rows.ForEach(_sub, (start, rows, xs, xNorms) =>
        {
            var block = scratch.AsSpan(0, rows * count);
            SquaredDistances.Gemm(xs, xNorms, rows, candidates, norms, count, d, block);
            for (int i = 0; i < rows; i++) closest[start + i] = Math.Min(closest[start + i], block[i * count + best]);
        }, _buffer);
    }

    private float[] Scratch(int count)
    {
        if (_dist.Length < _sub * count) _dist = new float[_sub * count];
        return _dist;
    }
}
