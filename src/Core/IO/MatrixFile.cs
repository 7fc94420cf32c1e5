using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MlNetConcepts.Views;

namespace MlNetConcepts.IO;

/// <summary>
/// A matrix file (rows × columns) read a block of rows at a time, whatever its size:
/// <list type="bullet">
/// <item>a float32 <c>.npy</c> is read with positional reads straight into the caller's buffer, so its size is
/// not limited and the process holds only that buffer (a memory mapping would keep every page it touched
/// resident and counted against the process);</item>
/// <item>a <c>.npy</c> of another numeric type is read whole and converted to float32 (it must fit in one array);</item>
/// <item>a <c>.npz</c> holding compressed sparse rows — <c>indptr</c>, <c>indices</c>, <c>values</c> (or
/// scipy's <c>data</c>) and <c>shape</c>, as <c>mlnc sae encode --sparse</c> and <c>scipy.sparse.save_npz</c>
/// write them — is held as its three arrays (12 bytes per stored value plus 8 per row) and densified a block at a time;
/// stored (uncompressed) int32 indices and float32 values are read in place through a memory mapping of the
/// archive (<see cref="MappedNpz"/>), deflated or other-typed ones are converted copies;</item>
/// <item>an Arrow IPC file or stream is read whole: its one float32 vector column as a row-major array.</item>
/// </list>
/// Memory used by a reader: the buffer its caller passes (block rows × <see cref="Cols"/> × 4 bytes),
/// plus the sparse arrays or the converted copy in the last two cases.
/// </summary>
public sealed class MatrixFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly long _dataOffset;
    private readonly float[]? _dense;
    private readonly long[]? _rowStart;
    private readonly ReadOnlyMemory<int> _indices;
    private readonly ReadOnlyMemory<float> _values;
    private readonly MappedNpz? _archive;

    private MatrixFile(string path, long rows, int cols, SafeFileHandle? handle, long dataOffset, float[]? dense,
        long[]? rowStart, ReadOnlyMemory<int> indices, ReadOnlyMemory<float> values, MappedNpz? archive = null)
    {
        _archive = archive;
        Path = path;
        Rows = rows;
        Cols = cols;
        _handle = handle;
        _dataOffset = dataOffset;
        _dense = dense;
        _rowStart = rowStart;
        _indices = indices;
        _values = values;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Number of rows.</summary>
    public long Rows { get; }
    /// <summary>Number of columns (1 for a 1-D array).</summary>
    public int Cols { get; }
    /// <summary>True for compressed sparse rows from a <c>.npz</c>.</summary>
    public bool IsSparse => _rowStart is not null;

    /// <summary>Opens <paramref name="path"/>: <c>.npz</c> as sparse rows, anything else as <c>.npy</c>.</summary>
    public static MatrixFile Open(string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: file not found.");
        switch (ArrayFiles.DetectFormat(path))
        {
            case ArrayFileFormat.Npz: return OpenSparse(path);
            case ArrayFileFormat.Arrow:
                var rowMajor = Views.ArrowSource.ReadMatrix(path, out int arrowRows, out int arrowCols);
                return new MatrixFile(path, arrowRows, arrowCols, null, 0, rowMajor, null, default, default);
        }
        var (type, shape) = NpyFile.ReadShape(path);
        if (shape.Length is not (1 or 2))
            throw new ConceptDataException($"{path}: expected a 2-D array (rows × columns) but the shape is {NdArray.FormatShape(shape)}.");
        if (type == NdType.Float32) return OpenFloat32(path);
        var data = NpyFile.ReadMatrix(path, out int rows, out int cols);
        return new MatrixFile(path, rows, cols, null, 0, data, null, default, default);
    }

    /// <summary>
    /// Reads a whole matrix file as float32, row-major: a <c>.npy</c> (other numeric types converted) or an Arrow IPC
    /// file's one float32 vector column.
    /// </summary>
    public static float[] ReadWhole(string path, out int rows, out int cols)
        => ArrayFiles.DetectFormat(path) == ArrayFileFormat.Arrow
            ? Views.ArrowSource.ReadMatrix(path, out rows, out cols)
            : NpyFile.ReadMatrix(path, out rows, out cols);

    private static MatrixFile OpenFloat32(string path)
    {
        NpyHeader h;
        using (var s = NpyFile.OpenRead(path))
        {
            h = NpyHeader.Parse(s, path);
            long left = s.Length - h.DataOffset;
            if (left != h.DataBytes)
                throw new ConceptDataException($"{path}: shape {h.ShapeText} of {h.Descr} needs {h.DataBytes} bytes but {left} follow the header{(left < h.DataBytes ? " (truncated)" : "")}.");
        }
        long cols = h.Shape.Length == 2 ? h.Shape[1] : 1;
        if (cols > int.MaxValue / 4) throw new ConceptDataException($"{path}: {cols} columns are too many for one row.");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return new MatrixFile(path, h.Shape[0], (int)cols, handle, h.DataOffset, null, null, default, default);
    }

    private static MatrixFile OpenSparse(string path)
    {
        var archive = MappedNpz.Open(path, name => name is "indptr" or "indices" or "values" or "data" or "shape");
        try { return OpenSparse(path, archive); }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    // The large arrays (indices, values) are used in place when the archive stores them uncompressed as int32 and
    // float32 (what np.savez and scipy's save_npz(…, compressed=False) write); other types and deflated members (scipy's
    // default, and `mlnc sae encode --sparse`) are converted copies.
    private static MatrixFile OpenSparse(string path, MappedNpz archive)
    {
        string Need(string name, string? alternative = null)
        {
            if (archive.Contains(name)) return name;
            if (alternative is not null && archive.Contains(alternative)) return alternative;
            throw new ConceptDataException($"{path}: sparse codes need the arrays indptr, indices, values (or data) and shape; '{name}' is missing (found: {string.Join(", ", archive.Names)}).");
        }
        var shape = archive.Read(Need("shape")).ToInt64();
        if (shape.Length != 2 || shape[0] < 0 || shape[1] < 1 || shape[1] > int.MaxValue)
            throw new ConceptDataException($"{path}: 'shape' must hold two numbers (rows, columns ≥ 1), got [{string.Join(", ", shape)}].");
        long rows = shape[0];
        int cols = (int)shape[1];
        var rowStart = archive.Read(Need("indptr")).ToInt64();
        string indexName = Need("indices"), valueName = Need("values", "data");
        var inPlace = archive.InPlace<int>(indexName, NdType.Int32);
        var indexCopy = inPlace is null ? archive.Read(indexName) : null;
        var values = archive.InPlace<float>(valueName, NdType.Float32) ?? archive.Read(valueName).ToFloat32();
        long stored = inPlace?.Length ?? indexCopy!.Length;
        if (rowStart.LongLength != rows + 1)
            throw new ConceptDataException($"{path}: 'indptr' has {rowStart.LongLength} entries but shape ({rows}, {cols}) needs {rows + 1}.");
        if (stored != values.Length)
            throw new ConceptDataException($"{path}: 'indices' has {stored} entries but the values have {values.Length}.");
        if (rowStart[0] != 0 || rowStart[^1] != values.Length)
            throw new ConceptDataException($"{path}: 'indptr' must run from 0 to {values.Length} (the number of stored values), got {rowStart[0]} to {rowStart[^1]}.");
        for (long r = 0; r < rows; r++)
            if (rowStart[r + 1] < rowStart[r]) throw new ConceptDataException($"{path}: 'indptr' decreases at row {r}.");
        var indices = inPlace ?? NarrowIndices(path, indexCopy!, rowStart, cols);
        CsrIndexCheck.Check(path, rowStart, indices, cols, Compute.ComputeSettings.Threads);
        return new MatrixFile(path, rows, cols, null, 0, null, rowStart, indices, values, archive);
    }

    // Indices of another type (int64 from other writers, or deflated int32): range-checked and narrowed row by
    // row; their order is checked afterwards.
    private static int[] NarrowIndices(string path, NdArray array, long[] rowStart, int cols)
    {
        if (array.Data is int[] same) return same;
        var wide = array.ToInt64();
        var narrow = new int[wide.LongLength];
        for (long r = 0; r + 1 < rowStart.LongLength; r++)
            for (long i = rowStart[r]; i < rowStart[r + 1]; i++)
            {
                if (wide[i] < 0 || wide[i] >= cols) throw new ConceptDataException($"{path}: row {r} stores column {wide[i]}, outside 0..{cols - 1}.");
                narrow[i] = (int)wide[i];
            }
        return narrow;
    }

    /// <summary>Copies rows [<paramref name="start"/>, start + <paramref name="count"/>) densely (row-major) into <paramref name="destination"/>.</summary>
    public void ReadRows(long start, int count, Span<float> destination)
    {
        CheckRange(start, count);
        int n = checked(count * Cols);
        if (destination.Length < n) throw new ArgumentException($"The destination holds {destination.Length} floats but {count} rows of {Cols} need {n}.", nameof(destination));
        if (_handle is not null) { ReadFloat32(start, n, destination); return; }
        if (_dense is not null) { _dense.AsSpan(checked((int)(start * Cols)), n).CopyTo(destination); return; }
        destination[..n].Clear();
        var indices = _indices.Span;
        var values = _values.Span;
        for (int r = 0; r < count; r++)
        {
            var row = destination.Slice(r * Cols, Cols);
            for (long i = _rowStart![start + r], end = _rowStart[start + r + 1]; i < end; i++) row[indices[(int)i]] = values[(int)i];
        }
    }

    private void ReadFloat32(long start, int values, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_handle!.IsClosed, this);
        if (!PositionalRead.TryFill(_handle, MemoryMarshal.AsBytes(destination[..values]), _dataOffset + start * Cols * 4L, out _))
            throw new ConceptDataException($"{Path}: the file ended while reading row {start} onwards (was it truncated while in use?).");
    }

    /// <summary>
    /// Rows [<paramref name="start"/>, start + <paramref name="count"/>) in compressed-row form: slices of the
    /// stored arrays for a sparse file (no copy but the offsets), the nonzero entries for a dense one.
    /// </summary>
    public SparseBatch ReadSparse(long start, int count)
    {
        CheckRange(start, count);
        if (!IsSparse)
        {
            var block = new float[checked(count * Cols)];
            ReadRows(start, count, block);
            return SparseBatch.FromDense(block, count, Cols);
        }
        long first = _rowStart![start];
        long stored = _rowStart[start + count] - first;
        if (stored > int.MaxValue) throw new ConceptDataException($"{Path}: rows {start}..{start + count - 1} store {stored} values, too many for one block; use fewer rows per block.");
        var offsets = new int[count + 1];
        for (int r = 0; r <= count; r++) offsets[r] = (int)(_rowStart[start + r] - first);
        return new SparseBatch(Cols, offsets, _indices.Slice((int)first, (int)stored), _values.Slice((int)first, (int)stored));
    }

    /// <summary>Rows per block so that one dense block of <paramref name="width"/> floats stays within <paramref name="bytes"/> (at least 1).</summary>
    public static int BlockRowsFor(long width, long bytes) => (int)Math.Clamp(bytes / (4 * Math.Max(1, width)), 1, int.MaxValue / Math.Max(1, width));

    private void CheckRange(long start, int count)
    {
        if (start < 0 || count < 0 || start > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside the {Rows} rows of {Path}.");
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _handle?.Dispose();
        _archive?.Dispose();
    }
}
