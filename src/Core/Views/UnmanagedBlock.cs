using System.Buffers;

namespace MlNetConcepts.Views;

/// <summary>
/// A <see cref="Memory{T}"/> over values that live outside the managed heap (a memory mapping or a native buffer),
/// so kernels that pin a block and share it between threads can read it in place. The memory must stay valid while
/// the block is used: its owner (the mapped view, the buffer) outlives the reads. The values need not be aligned
/// to their size (members of a zip archive start anywhere); x64 and Arm64 read unaligned values.
/// </summary>
internal sealed unsafe class UnmanagedBlock<T>(T* data, int length) : MemoryManager<T> where T : unmanaged
{
    /// <inheritdoc />
    public override Span<T> GetSpan() => new(data, length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
        return new MemoryHandle(data + elementIndex); // never moves: nothing to pin
    }

    /// <inheritdoc />
    public override void Unpin() { }

    /// <inheritdoc />
    protected override void Dispose(bool disposing) { } // the owner frees the memory
}

/// <summary>Creates <see cref="UnmanagedBlock{T}"/> memories.</summary>
internal static unsafe class UnmanagedBlock
{
    /// <summary>A read-only memory over <paramref name="length"/> values at <paramref name="data"/>.</summary>
    public static ReadOnlyMemory<T> Of<T>(T* data, int length) where T : unmanaged => new UnmanagedBlock<T>(data, length).Memory;
}
