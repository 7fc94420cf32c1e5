using MlNetConcepts.IO;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>
/// The rows of a matrix file read a block at a time (<see cref="MatrixFile.ReadRows"/>: positional
/// reads of a float32 <c>.npy</c>, so the file may be larger than memory). Every read checks that the
/// values are finite and, for the cosine metric, scales each row to unit length, with errors that
/// name the file and the row. Reads of different rows may run on several threads at once.
/// </summary>
internal sealed class FileRows : LloydRows
{
    private readonly MatrixFile _file;
    private readonly bool _unit;
    private readonly string _source;

    /// <summary>
    /// Streams <paramref name="file"/>; <paramref name="blockRows"/> is rounded up to a multiple of
    /// <see cref="LloydRows.Alignment"/> (a block holds blockRows × d floats).
    /// </summary>
    public FileRows(MatrixFile file, bool unitRows, int blockRows, string source)
        : base(checked((int)file.Rows), file.Cols)
    {
        if (blockRows < 1) throw new ConceptDataException($"{source}: the block must hold at least 1 row, got {blockRows}.");
        (_file, _unit, _source) = (file, unitRows, source);
        long aligned = (blockRows + (long)Alignment - 1) / Alignment * Alignment;
        BlockRows = (int)Math.Min(aligned, Math.Max(Alignment, (long)int.MaxValue / Math.Max(1, file.Cols) / Alignment * Alignment));
    }

    /// <inheritdoc />
    public override int BlockRows { get; }

    /// <inheritdoc />
    public override bool IsInMemory => false;

    /// <inheritdoc />
    public override (ReadOnlyMemory<float> X, ReadOnlyMemory<float> Norms) Read(int start, int count, RowBuffer buffer)
    {
        int d = Dimension;
        buffer.Ensure(count, d);
        var x = buffer.X.AsSpan(0, count * d);
        _file.ReadRows(start, count, x);
        ClusterInput.CheckFinite(x, count, d, _source, start);
        if (_unit) ClusterInput.NormalizeRowsInto(x, x, count, d, _source, start); // row by row: safe in place
        SquaredDistances.RowNormsInto(x, count, d, buffer.Norms.AsSpan(0, count));
        return (buffer.X.AsMemory(0, count * d), buffer.Norms.AsMemory(0, count));
    }
}
