namespace MlNetConcepts.Compute;

/// <summary>
/// Reconstruction quality accumulated over blocks of rows, in float64: MSE per element, explained
/// variance R² = 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖² with the per-dimension mean x̄, mean cosine(x, x̂)
/// (0 for a zero row), and, when codes are added, L0 (active codes per row) and the dead fraction.
/// The total sum of squares is merged block by block (Chan et al.'s pairwise update of per-dimension
/// means and squared deviations), so one pass is as accurate as a two-pass computation.
/// Shared by the SAE metrics and the reconstruction evaluator.
/// </summary>
public sealed class ReconstructionAccumulator
{
    private readonly int _width;
    private readonly double[] _mean;
    private readonly double[] _m2;
    private bool[]? _fired;
    private double _sse, _cosine;
    private long _active, _codeRows;

    /// <summary>Starts an accumulator for rows of <paramref name="width"/> values.</summary>
    public ReconstructionAccumulator(int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "Rows need at least one value.");
        _width = width;
        _mean = new double[width];
        _m2 = new double[width];
    }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds a block of inputs and their reconstructions (rows × width each).</summary>
    public void Add(ReadOnlySpan<float> inputs, ReadOnlySpan<float> reconstructions)
    {
        if (inputs.Length != reconstructions.Length || inputs.Length % _width != 0)
            throw new ConceptDataException($"Reconstruction: {inputs.Length} inputs and {reconstructions.Length} reconstructions are not matching rows of width {_width}.");
        int rows = inputs.Length / _width;
        if (rows == 0) return;
        var blockMean = new double[_width];
        for (int r = 0; r < rows; r++)
        {
            var x = inputs.Slice(r * _width, _width);
            var y = reconstructions.Slice(r * _width, _width);
            double dot = 0, nx = 0, ny = 0;
            for (int i = 0; i < _width; i++)
            {
                double e = (double)x[i] - y[i];
                _sse += e * e;
                blockMean[i] += x[i];
                dot += (double)x[i] * y[i];
                nx += (double)x[i] * x[i];
                ny += (double)y[i] * y[i];
            }
            _cosine += nx == 0 || ny == 0 ? 0 : dot / Math.Sqrt(nx * ny);
        }
        for (int i = 0; i < _width; i++) blockMean[i] /= rows;
        var blockM2 = new double[_width];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < _width; i++)
            {
                double c = inputs[r * _width + i] - blockMean[i];
                blockM2[i] += c * c;
            }
        long n = Rows + rows;
        for (int i = 0; i < _width; i++)
        {
            double delta = blockMean[i] - _mean[i];
            _m2[i] += blockM2[i] + delta * delta * Rows * rows / n;
            _mean[i] += delta * rows / n;
        }
        Rows = n;
    }

    /// <summary>Adds the codes of rows: how many codes were active and which latents fired.</summary>
    public void AddCodes(int rows, long activeCount, IEnumerable<int> firedLatents, int latents)
    {
        _fired ??= new bool[latents];
        if (_fired.Length != latents) throw new ConceptDataException($"Reconstruction: codes of {latents} latents after codes of {_fired.Length}.");
        foreach (int k in firedLatents) _fired[k] = true;
        _active += activeCount;
        _codeRows += rows;
    }

    /// <summary>Mean squared error per element.</summary>
    public double Mse => _sse / ((double)Rows * _width);

    /// <summary>Explained variance R² (NaN when the inputs do not vary).</summary>
    public double R2 { get { double sst = _m2.Sum(); return sst == 0 ? double.NaN : 1 - _sse / sst; } }

    /// <summary>Mean cosine between each input and its reconstruction.</summary>
    public double MeanCosine => _cosine / Rows;

    /// <summary>Mean active codes per row (NaN without codes).</summary>
    public double L0 => _codeRows == 0 ? double.NaN : (double)_active / _codeRows;

    /// <summary>Fraction of latents that never fired (NaN without codes).</summary>
    public double DeadFraction => _fired is null ? double.NaN : _fired.Count(f => !f) / (double)_fired.Length;
}
