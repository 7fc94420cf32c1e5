using System.Runtime.InteropServices;
using Microsoft.ML;

namespace MlNetConcepts.Views;

/// <summary>
/// A row-major rows × width float32 matrix in native memory, for a kernel that needs a whole column in memory and
/// reads it many times (k-means: one pass per Lloyd iteration). The buffer is aligned to 2 MiB and, on Linux, the
/// kernel is asked to back it with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>): a fresh 300 MB copy then
/// takes a few hundred page faults instead of one per 4 KiB page (75,000), which on the project's VM cost 0.5–1.5 s
/// of CPU per copy (docs/BENCHMARKS.md, issue 12). Where huge pages are unavailable the advice is ignored and the
/// buffer behaves as plain memory. Freed by <see cref="Dispose"/>; blocks handed out must not be used after that.
/// </summary>
public sealed unsafe class RowMatrixBuffer : IDisposable
{
    /// <summary>Alignment of the buffer: one huge page on x86-64 and arm64 Linux.</summary>
    public const int Alignment = 2 << 20;

    private float* _data;

    /// <summary>Allocates room for <paramref name="rows"/> × <paramref name="width"/> floats (contents undefined until written).</summary>
    public RowMatrixBuffer(long rows, int width)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "The row count cannot be negative.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "A row needs at least one value.");
        (Rows, Width) = (rows, width);
        long bytes = checked(rows * width * sizeof(float));
        _data = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), Alignment);
        HugePages.Advise(_data, bytes);
    }

    /// <summary>Number of rows.</summary>
    public long Rows { get; }

    /// <summary>Values per row.</summary>
    public int Width { get; }

    /// <summary>Rows [start, start + count) to read or write (count × width must fit in an int).</summary>
    public Span<float> RowBlock(long start, int count) => new(Start(start, count), checked(count * Width));

    /// <summary>The same rows as a memory that kernels can pin and share between threads (valid until <see cref="Dispose"/>).</summary>
    public ReadOnlyMemory<float> RowMemory(long start, int count) => UnmanagedBlock.Of(Start(start, count), checked(count * Width));

    /// <summary>
    /// Copies float vector column <paramref name="column"/> of <paramref name="view"/> into a new buffer, a block of a
    /// project column or a row of another view's cursor at a time, each straight into place (a view that does not
    /// know its row count is counted first, with one more pass).
    /// </summary>
    public static RowMatrixBuffer Read(IDataView view, string column)
    {
        int width = ViewColumns.RequireFloatVector(view.Schema, column);
        long rows = RowBlockReader.CountRows(view);
        var buffer = new RowMatrixBuffer(rows, width);
        try
        {
            RowBlockReader.CopyColumn(view, column, rows, width, buffer.RowBlock);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private float* Start(long start, int count)
    {
        ObjectDisposedException.ThrowIf(_data == null, this);
        if (start < 0 || count < 0 || start > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"Rows [{start}, {start + count}) are outside the {Rows} rows of the buffer.");
        return _data + start * Width;
    }

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        if (_data == null) return;
        NativeMemory.AlignedFree(_data);
        _data = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the memory of a buffer nobody disposed.</summary>
    ~RowMatrixBuffer() => Dispose();

    /// <summary><c>madvise(MADV_HUGEPAGE)</c> through libc, looked up once; a no-op off Linux or when libc lacks it.</summary>
    private static class HugePages
    {
        private const int MadvHugePage = 14;
        private static readonly delegate* unmanaged<void*, nuint, int, int> Madvise = Find();

        private static delegate* unmanaged<void*, nuint, int, int> Find()
        {
            if (!OperatingSystem.IsLinux()) return null;
            foreach (var name in new[] { "libc.so.6", "libc" })
                if (NativeLibrary.TryLoad(name, out nint libc) && NativeLibrary.TryGetExport(libc, "madvise", out nint madvise))
                    return (delegate* unmanaged<void*, nuint, int, int>)madvise;
            return null;
        }

        /// <summary>Advises huge pages for [data, data + bytes); the result is ignored (the advice is only a hint).</summary>
        public static void Advise(void* data, long bytes)
        {
            if (Madvise != null && bytes >= Alignment) Madvise(data, (nuint)bytes, MadvHugePage);
        }
    }
}
