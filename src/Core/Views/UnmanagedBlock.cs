using System.Buffers;

namespace MlNetConcepts.Views;

/// <summary>
/// A <see cref="Memory{T}"/> over floats that live outside the managed heap (a memory mapping or a native buffer),
/// so kernels that pin a block and share it between threads can read it in place. The memory must stay valid while
/// the block is used: its owner (the mapped view, the buffer) outlives the reads.
/// </summary>
internal sealed unsafe class UnmanagedBlock(float* data, int length) : MemoryManager<float>
{
    /// <summary>A read-only memory over <paramref name="length"/> floats at <paramref name="data"/>.</summary>
    public static ReadOnlyMemory<float> Of(float* data, int length) => new UnmanagedBlock(data, length).Memory;

    /// <inheritdoc />
    public override Span<float> GetSpan() => new(data, length);

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
