using MlNetConcepts.Compute;

namespace MlNetConcepts.Evaluators.Layout;

/// <summary>
/// Exact k-nearest neighbours of every row among all rows by GEMM: a block of query rows times
/// all rows transposed gives their dot products, turned into distances
/// (‖x‖² + ‖y‖² − 2x·y for Euclidean, 1 − x̂·ŷ for cosine), then a partial selection keeps the
/// k smallest per row. Memory: the n × d input plus one block of B × n float32 products,
/// B = max(1, 2^24 / n) (64 MB), so 65,536 atoms take 256-row blocks. The row itself is always its
/// own first neighbour (distance 0), as UMAP's graph expects. <see cref="NeighborsReference"/> is
/// the plain double-precision version the tests compare with.
/// </summary>
public static class ExactNeighbors
{
    /// <summary>Products per block (float32): 64 MB.</summary>
    private const long BlockValues = 1 << 24;

    /// <summary>The <paramref name="k"/> nearest rows of each row of <paramref name="x"/> (n × d, row-major).</summary>
    public static NeighborGraph Compute(float[] x, int rows, int cols, int k, LayoutMetric metric)
        => Compute(x, rows, cols, k, metric, (int)Math.Max(1, Math.Min(rows, BlockValues / rows)));

    /// <summary>As above with an explicit block of query rows (tests use small blocks to cover the seams).</summary>
    internal static NeighborGraph Compute(float[] x, int rows, int cols, int k, LayoutMetric metric, int block)
    {
        LayoutChecks.Matrix(x, rows, cols, nameof(x));
        if (k < 1 || k > rows) throw new ConceptDataException($"{nameof(k)} must be between 1 and the number of rows ({rows}), got {k}.", [nameof(k)]);
        var data = metric == LayoutMetric.Cosine ? LayoutChecks.UnitRows(x, rows, cols) : x;
        var squared = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++) s += (double)data[i * cols + c] * data[i * cols + c];
            squared[i] = (float)s;
        }

        var products = new float[(long)block * rows];
        var indices = new int[(long)rows * k];
        var distances = new float[(long)rows * k];
        for (int start = 0; start < rows; start += block)
        {
            int b = Math.Min(block, rows - start);
            Gemm.Sgemm(false, true, b, rows, cols, 1f, data.AsSpan(start * cols, b * cols), cols, data, cols, 0f, products.AsSpan(0, b * rows), rows);
            Parallel.For(0, b, new ParallelOptions { MaxDegreeOfParallelism = ComputeSettings.Threads }, () => new (float, int)[rows], (r, _, scratch) =>
            {
                int i = start + r;
                var row = products.AsSpan(r * rows, rows);
                for (int j = 0; j < rows; j++)
                {
                    float d = metric == LayoutMetric.Cosine
                        ? Math.Max(0f, 1f - row[j])
                        : MathF.Sqrt(Math.Max(0f, squared[i] + squared[j] - 2f * row[j]));
                    // The row itself comes first whatever rounding says (its distance is exactly 0).
                    scratch[j] = (j == i ? -1f : d, j);
                }
                SelectSmallest(scratch, k);
                for (int n = 0; n < k; n++)
                {
                    indices[(long)i * k + n] = scratch[n].Item2;
                    distances[(long)i * k + n] = Math.Max(0f, scratch[n].Item1);
                }
                return scratch;
            }, _ => { });
        }
        return new NeighborGraph(rows, k, indices, distances);
    }

    /// <summary>Moves the k smallest (distance, index) pairs to the front, sorted by distance then index.</summary>
    private static void SelectSmallest((float D, int I)[] items, int k)
    {
        if (k < items.Length)
        {
            // Keep a sorted front of k entries; later entries only enter when smaller than its last.
            Array.Sort(items, 0, k, PairOrder.Instance);
            for (int j = k; j < items.Length; j++)
            {
                if (PairOrder.Instance.Compare(items[j], items[k - 1]) >= 0) continue;
                int p = k - 1;
                var item = items[j];
                while (p > 0 && PairOrder.Instance.Compare(item, items[p - 1]) < 0) { items[p] = items[p - 1]; p--; }
                items[p] = item;
            }
        }
        else Array.Sort(items, PairOrder.Instance);
    }

    private sealed class PairOrder : IComparer<(float D, int I)>
    {
        public static readonly PairOrder Instance = new();
        public int Compare((float D, int I) a, (float D, int I) b) => a.D != b.D ? a.D.CompareTo(b.D) : a.I.CompareTo(b.I);
    }
}
