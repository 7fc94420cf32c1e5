using System.Runtime.InteropServices;

namespace MlNetConcepts.IO;

/// <summary>
/// Writes a <c>.npy</c> file a block of rows at a time, for results too large to hold in memory.
/// The header is written first with room reserved for the largest possible row count; rows are
/// appended behind it; <see cref="Complete"/> rewrites the header with the final shape, flushes
/// and renames the temporary file over the target. Disposing without <see cref="Complete"/>
/// deletes the temporary file, so an interrupted run never leaves a partial result under the
/// target name.
/// <para>
/// With <c>resumable: true</c> the temporary file has a fixed name (<see cref="PartialPath"/>)
/// and is kept when the writer is disposed without completing; opening the same target again
/// continues after the last whole row (see <see cref="RowsWritten"/>), which is how long runs
/// pick up from a checkpoint.
/// </para>
/// </summary>
public sealed class NpyStreamWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _tempPath;
    private readonly bool _resumable;
    private readonly int _headerBytes;
    private readonly long _rowBytes;
    private readonly int _reservedDict;
    private bool _done;

    /// <summary>
    /// Opens a writer for rows of shape <paramref name="rowShape"/> (empty: a 1-D file of
    /// scalars; one entry: a matrix of that width). Element types: float32, float64, int32,
    /// int64, uint8, bool.
    /// </summary>
    public NpyStreamWriter(string path, NdType type, int[] rowShape, bool resumable = false)
    {
        ArgumentNullException.ThrowIfNull(rowShape);
        if (type is NdType.BFloat16 or NdType.Float16)
            throw new NotSupportedException($"Streaming {type} to .npy is not supported.");
        foreach (var d in rowShape)
            if (d < 1) throw new ConceptDataException($"{path}: every row dimension must be at least 1, got ({string.Join(", ", rowShape)}).");
        Path = System.IO.Path.GetFullPath(path);
        Type = type;
        RowShape = rowShape.ToArray();
        RowElements = RowShape.Aggregate(1L, (a, d) => checked(a * d));
        _rowBytes = checked(RowElements * SafeTensors.ElementSize(type));
        _resumable = resumable;
        // Reserve the dict length of the widest shape (row count long.MaxValue) so the final rewrite fits exactly.
        _reservedDict = DictLength(long.MaxValue);
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(dir);
        _tempPath = resumable
            ? PartialPathFor(Path)
            : System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var header = NpyHeader.Build(type, Shape(0), _reservedDict);
        _headerBytes = header.Length;
        if (resumable && File.Exists(_tempPath))
        {
            _stream = new FileStream(_tempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            RowsWritten = ResumeFrom(header);
        }
        else
        {
            _stream = new FileStream(_tempPath, resumable ? FileMode.Create : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            _stream.Write(header);
        }
    }

    /// <summary>A float32 matrix writer with rows of <paramref name="width"/> values.</summary>
    public NpyStreamWriter(string path, int width, bool resumable = false) : this(path, NdType.Float32, [width], resumable) { }

    /// <summary>The temporary file a resumable writer for <paramref name="path"/> uses.</summary>
    public static string PartialPathFor(string path) => System.IO.Path.GetFullPath(path) + ".partial";

    /// <summary>The target file.</summary>
    public string Path { get; }
    /// <summary>The temporary file being written (renamed to <see cref="Path"/> on completion).</summary>
    public string PartialPath => _tempPath;
    /// <summary>Element type.</summary>
    public NdType Type { get; }
    /// <summary>Shape of one row (empty for a 1-D file).</summary>
    public IReadOnlyList<int> RowShape { get; }
    /// <summary>Elements per row.</summary>
    public long RowElements { get; }
    /// <summary>Rows appended so far (including rows recovered when resuming).</summary>
    public long RowsWritten { get; private set; }

    private long[] Shape(long rows) => [rows, .. RowShape.Select(d => (long)d)];

    private int DictLength(long rows) => $"{{'descr': '{NpyHeader.DescrOf(Type)}', 'fortran_order': False, 'shape': {NpyHeader.FormatShape(Shape(rows))}, }}".Length;

    private long ResumeFrom(byte[] expectedHeader)
    {
        // The partial file must have been started by a writer with the same type and row shape;
        // its header still says 0 rows, so compare it byte for byte with a fresh one.
        var existing = new byte[expectedHeader.Length];
        if (NpyHeader.ReadFull(_stream, existing) < existing.Length || !existing.AsSpan().SequenceEqual(expectedHeader))
        {
            _stream.Dispose();
            throw new ConceptDataException($"{_tempPath}: cannot resume: the partial file was written with another dtype or row shape than {NpyHeader.DescrOf(Type)} rows of ({string.Join(", ", RowShape)}); delete it to start over.");
        }
        long rows = (_stream.Length - _headerBytes) / _rowBytes;
        // A crash may have cut the last row short: drop the fragment.
        _stream.SetLength(_headerBytes + rows * _rowBytes);
        _stream.Seek(0, SeekOrigin.End);
        return rows;
    }

    /// <summary>
    /// Keeps only the first <paramref name="rows"/> rows, for a resumed run whose checkpoint
    /// recorded fewer rows than the partial file holds (rows written after the last checkpoint).
    /// </summary>
    public void DropRowsAfter(long rows)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (rows < 0 || rows > RowsWritten)
            throw new ConceptDataException($"{_tempPath}: a checkpoint promises {rows} rows but the partial file holds {RowsWritten}; delete the checkpoint and start again.");
        _stream.SetLength(_headerBytes + rows * _rowBytes);
        _stream.Seek(0, SeekOrigin.End);
        RowsWritten = rows;
    }

    /// <summary>Appends whole rows (the span's length must be a multiple of <see cref="RowElements"/>).</summary>
    public void Append(ReadOnlySpan<float> rows) => AppendTyped(rows, NdType.Float32);
    /// <summary>Appends whole rows of float64.</summary>
    public void Append(ReadOnlySpan<double> rows) => AppendTyped(rows, NdType.Float64);
    /// <summary>Appends whole rows of int32.</summary>
    public void Append(ReadOnlySpan<int> rows) => AppendTyped(rows, NdType.Int32);
    /// <summary>Appends whole rows of int64.</summary>
    public void Append(ReadOnlySpan<long> rows) => AppendTyped(rows, NdType.Int64);
    /// <summary>Appends whole rows of uint8.</summary>
    public void Append(ReadOnlySpan<byte> rows) => AppendTyped(rows, NdType.UInt8);
    /// <summary>Appends whole rows of bool.</summary>
    public void Append(ReadOnlySpan<bool> rows) => AppendTyped(rows, NdType.Bool);

    private void AppendTyped<T>(ReadOnlySpan<T> values, NdType type) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (type != Type) throw new ArgumentException($"{Path}: this writer stores {Type}, not {type}.");
        if (values.Length % RowElements != 0)
            throw new ConceptDataException($"{Path}: {values.Length} values do not divide into rows of {RowElements}.");
        _stream.Write(MemoryMarshal.AsBytes(values));
        RowsWritten += values.Length / RowElements;
    }

    /// <summary>Flushes appended rows to disk (for checkpoints of a resumable writer).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes the final shape into the header, flushes, and renames the file to <see cref="Path"/>.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var header = NpyHeader.Build(Type, Shape(RowsWritten), _reservedDict);
        if (header.Length != _headerBytes)
            throw new InvalidOperationException("The rewritten .npy header does not fit the reserved space."); // cannot happen: the reservation is for long.MaxValue rows
        _stream.Seek(0, SeekOrigin.Begin);
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _done = true;
        try { File.Move(_tempPath, Path, overwrite: true); }
        catch when (!_resumable)
        {
            // Nothing partial may stay behind; a resumable writer keeps its rows for the next try.
            try { File.Delete(_tempPath); } catch (IOException) { /* the move error matters more */ }
            throw;
        }
    }

    /// <summary>Closes the writer; without <see cref="Complete"/> the temporary file is deleted (kept when resumable).</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        if (_resumable) _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        if (!_resumable)
        {
            try { File.Delete(_tempPath); } catch (IOException) { /* best effort */ }
        }
    }
}
