using System.IO.MemoryMappedFiles;

namespace MlNetConcepts.IO;

/// <summary>
/// A float32 <c>.npy</c> matrix read through a memory mapping, so files larger than memory can
/// be read a block of rows at a time: the operating system pages in only what is touched. A 1-D
/// array is one column. Spans returned by <see cref="Row"/> and <see cref="RowBlock"/> point into
/// the mapping and are valid only until <see cref="Dispose"/>; <see cref="CopyRows"/> copies.
/// </summary>
public sealed unsafe class NpyMappedMatrix : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private byte* _base;
    private readonly float* _data;

    private NpyMappedMatrix(string path, MemoryMappedFile file, MemoryMappedViewAccessor accessor, long dataOffset, long rows, int cols)
    {
        Path = path;
        _file = file;
        _accessor = accessor;
        Rows = rows;
        Cols = cols;
        byte* p = null;
        accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p;
        _data = (float*)(p + accessor.PointerOffset + dataOffset);
    }

    /// <summary>
    /// Maps a <c>.npy</c> file holding float32 (<c>&lt;f4</c>) data of rank 1 or 2. The header and
    /// the file length are checked first, so a truncated file fails here with a clear error.
    /// </summary>
    public static NpyMappedMatrix Open(string path)
    {
        NpyHeader h;
        long fileLength;
        using (var s = NpyFile.OpenRead(path))
        {
            h = NpyHeader.Parse(s, path);
            fileLength = s.Length;
        }
        if (h.Type != NdType.Float32)
            throw new ConceptDataException($"{path}: memory-mapped reading needs float32 (<f4) data but the file holds {h.Descr}; save it as float32 to have it read in blocks.");
        if (h.Shape.Length is not (1 or 2))
            throw new ConceptDataException($"{path}: expected a 2-D array (rows × columns) but the shape is {h.ShapeText}.");
        long rows = h.Shape[0];
        long cols = h.Shape.Length == 2 ? h.Shape[1] : 1;
        if (cols > int.MaxValue) throw new ConceptDataException($"{path}: {cols} columns are too many for one row span.");
        h.CheckDataLength(fileLength - h.DataOffset, path);
        MemoryMappedFile? file = null;
        try
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            file = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var accessor = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new NpyMappedMatrix(path, file, accessor, h.DataOffset, rows, (int)cols);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file?.Dispose();
            throw new ConceptDataException($"{path}: cannot memory-map file ({e.Message}).", e);
        }
    }

    /// <summary>The mapped file.</summary>
    public string Path { get; }
    /// <summary>Number of rows (the first dimension).</summary>
    public long Rows { get; }
    /// <summary>Number of columns (1 for a 1-D array).</summary>
    public int Cols { get; }

    /// <summary>One row, straight from the mapping.</summary>
    public ReadOnlySpan<float> Row(long row)
    {
        CheckRange(row, 1);
        return new ReadOnlySpan<float>(_data + row * Cols, Cols);
    }

    /// <summary>
    /// <paramref name="count"/> consecutive rows as one contiguous row-major span, straight from
    /// the mapping (count × cols must fit in an int).
    /// </summary>
    public ReadOnlySpan<float> RowBlock(long start, int count)
    {
        CheckRange(start, count);
        return new ReadOnlySpan<float>(_data + start * Cols, checked(count * Cols));
    }

    /// <summary>
    /// The same rows as <see cref="RowBlock"/>, as a memory into the mapping that kernels can pin and share between
    /// threads (valid only until <see cref="Dispose"/>).
    /// </summary>
    internal ReadOnlyMemory<float> RowMemory(long start, int count)
    {
        CheckRange(start, count);
        return Views.UnmanagedBlock.Of(_data + start * Cols, checked(count * Cols));
    }

    /// <summary>Copies <paramref name="count"/> rows starting at <paramref name="start"/> into <paramref name="destination"/>.</summary>
    public void CopyRows(long start, int count, Span<float> destination)
    {
        var block = RowBlock(start, count);
        if (destination.Length < block.Length)
            throw new ArgumentException($"The destination holds {destination.Length} floats but {count} rows of {Cols} need {block.Length}.", nameof(destination));
        block.CopyTo(destination);
    }

    /// <summary>Copies the whole matrix into memory (rows × cols must fit in one array).</summary>
    public float[] ReadAll()
    {
        if (Rows * Cols > Array.MaxLength) throw new ConceptDataException($"{Path}: {Rows} × {Cols} values are too many for one array; read it in blocks.");
        var result = new float[Rows * Cols];
        if (result.Length > 0) CopyRows(0, (int)Rows, result);
        return result;
    }

    private void CheckRange(long start, int count)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        if (start < 0 || count < 0 || start > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside the {Rows} rows of {Path}.");
    }

    /// <summary>Unmaps the file; spans obtained earlier must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        _accessor.Dispose();
        _file.Dispose();
    }
}
