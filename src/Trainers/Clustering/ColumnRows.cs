using Microsoft.ML;
using MlNetConcepts.Views;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The rows of a view's float vector column as k-means reads them, held once for the whole fit:
/// <list type="bullet">
/// <item>the project's own dense column (a memory-mapped float32 <c>.npy</c> or an array), Euclidean metric: read in
/// place, no copy; the blocks handed to the kernels point into the mapping or the array;</item>
/// <item>anything else (another view, sparse or converted columns, and every column under the cosine metric, whose
/// rows must be scaled to unit length): copied once into a <see cref="RowMatrixBuffer"/> (native memory backed by
/// huge pages where the system allows), and normalised there in place.</item>
/// </list>
/// One pass when opened checks every value and takes every row's squared norm, with errors that name the column and
/// the row. Blocks are the whole matrix when it fits one memory (n × d ≤ 2³¹ − 1 values), otherwise multiples of
/// <see cref="LloydRows.Alignment"/>, so the fit equals <see cref="KMeansTrainer.FitMatrix"/> on the same rows bit for bit.
/// </summary>
internal sealed class ColumnRows : LloydRows, IDisposable
{
    private readonly ConceptColumn? _lent;
    private readonly RowMatrixBuffer? _copy;
    private readonly float[] _norms;

    private ColumnRows(int count, int dimension, ConceptColumn? lent, RowMatrixBuffer? copy, int? blockRows)
        : base(count, dimension)
    {
        (_lent, _copy) = (lent, copy);
        long fitsOneMemory = int.MaxValue / dimension; // a Memory<float> holds at most int.MaxValue values
        if (blockRows is null && count <= fitsOneMemory) BlockRows = Math.Max(1, count);
        else
        {
            long cap = Math.Max(Alignment, fitsOneMemory / Alignment * Alignment);
            long wanted = blockRows is int b ? (Math.Max(1L, b) + Alignment - 1) / Alignment * Alignment : cap;
            BlockRows = (int)Math.Min(wanted, cap);
        }
        _norms = new float[count];
    }

    /// <summary>
    /// Holds column <paramref name="column"/> of <paramref name="view"/> for a fit; <paramref name="unitRows"/> scales
    /// every row to unit length (cosine). <paramref name="blockRows"/> (tests only) forces blocks of that many rows,
    /// rounded up to <see cref="LloydRows.Alignment"/>, as a matrix too large for one block would be read.
    /// </summary>
    public static ColumnRows Open(IDataView view, string column, bool unitRows, int? blockRows = null)
    {
        int d = ViewColumns.RequireFloatVector(view.Schema, column);
        string source = $"column '{column}'";
        if (!unitRows && view is ColumnDataView own && own.RowCount > 0 && own.Column(column).TryDenseMemory(0, 1, out _))
            return Prepared(new ColumnRows(RowCount(own.RowCount, source), d, own.Column(column), null, blockRows), unitRows, source);
        var copy = RowMatrixBuffer.Read(view, column);
        try { return Prepared(new ColumnRows(RowCount(copy.Rows, source), d, null, copy, blockRows), unitRows, source); }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    private static int RowCount(long rows, string source)
        => rows <= Array.MaxLength ? (int)rows : throw new ConceptDataException($"{source}: {rows} rows are more than one label array can hold.");

    /// <summary>Checks every value, normalises a copy in place when asked, and takes the squared norms, block by block.</summary>
    private static ColumnRows Prepared(ColumnRows rows, bool unitRows, string source)
    {
        int d = rows.Dimension;
        for (int start = 0; start < rows.Count; start += rows.BlockRows)
        {
            int count = Math.Min(rows.BlockRows, rows.Count - start);
            var x = rows.Block(start, count).Span;
            ClusterInput.CheckFinite(x, count, d, source, start);
            if (unitRows)
            {
                var into = rows._copy!.RowBlock(start, count); // the same memory: normalising row by row is safe in place
                ClusterInput.NormalizeRowsInto(x, into, count, d, source, start);
            }
            SquaredDistances.RowNormsInto(x, count, d, rows._norms.AsSpan(start, count));
        }
        return rows;
    }

    /// <inheritdoc />
    public override int BlockRows { get; }

    /// <inheritdoc />
    /// <remarks>A memory mapping may be larger than memory, so k-means++ bounds its cache there as for a file.</remarks>
    public override bool IsInMemory => _copy is not null || _lent is DenseArrayColumn;

    /// <inheritdoc />
    public override (ReadOnlyMemory<float> X, ReadOnlyMemory<float> Norms) Read(int start, int count, RowBuffer buffer)
        => (Block(start, count), _norms.AsMemory(start, count));

    private ReadOnlyMemory<float> Block(int start, int count)
    {
        if (_copy is not null) return _copy.RowMemory(start, count);
        _lent!.TryDenseMemory(start, count, out var rows);
        return rows;
    }

    /// <summary>True when the rows were copied (a foreign view, a converted or sparse column, or unit rows); false when read in place.</summary>
    public bool IsCopy => _copy is not null;

    /// <summary>Frees the copy, if one was made (a lent column stays with its view).</summary>
    public void Dispose() => _copy?.Dispose();
}
