using System.Runtime.InteropServices;
using System.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>
/// A float32 matrix written to <c>.npy</c> row block by row block, for activation sets larger
/// than memory. Rows go to a hidden temporary file in the target folder after a fixed 128-byte
/// header slot; <see cref="Commit"/> writes the final header (shape = rows × width) and renames
/// the file into place, so readers never see a partial file. <see cref="Dispose"/> without
/// commit deletes the temporary file.
/// </summary>
internal sealed class NpyStreamingFile : IDisposable
{
    private const int HeaderBytes = 128;
    private readonly FileStream _stream;
    private readonly string _tmp;
    private bool _committed;

    /// <summary>
    /// Starts (or, with <paramref name="resumeRows"/> &gt; 0, continues) the file. With a
    /// <paramref name="partialPath"/> the temporary file has that stable name and survives a
    /// failed run (see <see cref="KeepOnFailure"/>), so a later run can resume it.
    /// </summary>
    public NpyStreamingFile(string path, int width, string? partialPath = null, long resumeRows = 0)
    {
        Path_ = Path.GetFullPath(path);
        Width = width;
        Directory.CreateDirectory(Path.GetDirectoryName(Path_)!);
        _tmp = partialPath ?? Path.Combine(Path.GetDirectoryName(Path_)!, $".{Path.GetFileName(Path_)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        if (resumeRows > 0)
        {
            _stream = new FileStream(_tmp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            long length = HeaderBytes + resumeRows * width * sizeof(float);
            if (_stream.Length < length) { _stream.Dispose(); throw new ConceptDataException($"{_tmp}: the checkpoint promises {resumeRows} rows but the partial file is shorter; delete the checkpoint and start again."); }
            _stream.SetLength(length); // drop rows written after the last checkpoint
            _stream.Position = length;
            Rows = resumeRows;
        }
        else
        {
            _stream = new FileStream(_tmp, partialPath != null ? FileMode.Create : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            _stream.Write(new byte[HeaderBytes]);
        }
    }

    /// <summary>Keep the temporary file when disposed without commit (checkpointed runs).</summary>
    public bool KeepOnFailure { get; init; }

    /// <summary>Pushes buffered rows to the operating system (before a checkpoint records them).</summary>
    public void Flush() => _stream.Flush();

    public string Path_ { get; }
    public int Width { get; }
    public long Rows { get; private set; }

    /// <summary>Appends rows (row-major, a multiple of <see cref="Width"/> values).</summary>
    public void Append(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Width != 0) throw new InvalidOperationException($"{rows.Length} values are not whole rows of width {Width}.");
        _stream.Write(MemoryMarshal.AsBytes(rows));
        Rows += rows.Length / Width;
    }

    /// <summary>Writes the header (format 1.0: magic, version, header length, dict padded with spaces, newline) and renames into place.</summary>
    public void Commit()
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({Rows}, {Width}), }}";
        int dictBytes = HeaderBytes - 10;
        if (dict.Length + 1 > dictBytes) throw new InvalidOperationException("npy header does not fit its slot");
        var header = new byte[HeaderBytes];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BitConverter.TryWriteBytes(header.AsSpan(8), (ushort)dictBytes);
        Encoding.ASCII.GetBytes(dict.PadRight(dictBytes - 1) + "\n", header.AsSpan(10));
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tmp, Path_, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (!_committed && !KeepOnFailure)
        {
            try { File.Delete(_tmp); } catch (IOException) { /* best effort */ }
        }
    }
}
