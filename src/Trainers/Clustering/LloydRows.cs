namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The rows k-means works on (already unit-normalised for the cosine metric) and their squared
/// norms, handed out a block at a time, so one implementation of k-means++ and Lloyd serves an
/// in-memory matrix (<see cref="InMemoryRows"/>: one block, no copy) and a file of any size
/// (<see cref="FileRows"/>: blocks read into a buffer). Every float64 sum over rows is taken in
/// row order whatever the blocks, and every SGEMM covers the same rows on both sources (blocks are
/// multiples of <see cref="Alignment"/>), so both sources give the same centroids and labels for a seed.
/// </summary>
internal abstract class LloydRows
{
    /// <summary>
    /// Streamed blocks hold a multiple of this many rows: a multiple of the SGEMM block of Lloyd's
    /// assignment (<see cref="Lloyd.BlockRows"/>) and of the inertia block, so a streamed pass makes
    /// the same products and partial totals as one pass over the whole matrix.
    /// </summary>
    public const int Alignment = 4096;

    /// <summary>Creates a source of <paramref name="count"/> rows of width <paramref name="dimension"/>.</summary>
    protected LloydRows(int count, int dimension) => (Count, Dimension) = (count, dimension);

    /// <summary>Number of rows n.</summary>
    public int Count { get; }

    /// <summary>Row width d.</summary>
    public int Dimension { get; }

    /// <summary>Rows per block of a pass: all of them in memory, a multiple of <see cref="Alignment"/> when streamed.</summary>
    public abstract int BlockRows { get; }

    /// <summary>
    /// True when k-means++ may keep the n × (2 + ln k) candidate distances of a step in memory whatever
    /// their size (the matrix itself is already there); a file source keeps them only up to
    /// <see cref="KMeansPlusPlus.StreamedCacheBytes"/> and otherwise computes them again.
    /// </summary>
    public abstract bool IsInMemory { get; }

    /// <summary>Rows [start, start + count) and their squared norms: views of held arrays, or read into <paramref name="buffer"/>.</summary>
    public abstract (ReadOnlyMemory<float> X, ReadOnlyMemory<float> Norms) Read(int start, int count, RowBuffer buffer);

    /// <summary>Receives a run of rows starting at row <paramref name="start"/>.</summary>
    public delegate void RowsAction(int start, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> norms);

    /// <summary>
    /// Calls <paramref name="action"/> on every run of <paramref name="subRows"/> rows in row order, the runs
    /// starting at multiples of <paramref name="subRows"/> (which must divide <see cref="Alignment"/>, or be ≥ n).
    /// </summary>
    public void ForEach(int subRows, RowsAction action, RowBuffer? buffer = null)
    {
        buffer ??= new RowBuffer();
        int n = Count, d = Dimension;
        for (int start = 0; start < n; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, n - start);
            var (x, norms) = Read(start, rows, buffer);
            for (int s = 0; s < rows; s += subRows)
            {
                int count = Math.Min(subRows, rows - s);
                action(start + s, count, x.Span.Slice(s * d, count * d), norms.Span.Slice(s, count));
            }
        }
    }

    /// <summary>Copies row <paramref name="row"/> into <paramref name="into"/> and returns its squared norm.</summary>
    public float CopyRow(int row, Span<float> into, RowBuffer buffer)
    {
        var (x, norms) = Read(row, 1, buffer);
        x.Span[..Dimension].CopyTo(into);
        return norms.Span[0];
    }
}

/// <summary>A reusable pair of buffers for the rows and norms of one block.</summary>
internal sealed class RowBuffer
{
    /// <summary>Row values (grown on demand).</summary>
    public float[] X { get; private set; } = [];

    /// <summary>Squared norms (grown on demand).</summary>
    public float[] Norms { get; private set; } = [];

    /// <summary>Makes room for <paramref name="rows"/> rows of width <paramref name="d"/>.</summary>
    public void Ensure(int rows, int d)
    {
        if (X.Length < (long)rows * d) X = new float[checked(rows * d)];
        if (Norms.Length < rows) Norms = new float[rows];
    }
}

/// <summary>An n × d matrix in memory with its row norms, handed out as one block.</summary>
internal sealed class InMemoryRows(float[] x, float[] norms, int n, int d) : LloydRows(n, d)
{
    /// <inheritdoc />
    public override int BlockRows => Math.Max(1, Count);

    /// <inheritdoc />
    public override bool IsInMemory => true;

    /// <inheritdoc />
    public override (ReadOnlyMemory<float> X, ReadOnlyMemory<float> Norms) Read(int start, int count, RowBuffer buffer)
        => (x.AsMemory(start * Dimension, count * Dimension), norms.AsMemory(start, count));
}
