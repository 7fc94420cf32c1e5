using Microsoft.Win32.SafeHandles;

namespace MlNetConcepts.IO;

/// <summary>Positional reads that fill a whole buffer (a read may return fewer bytes than asked).</summary>
internal static class PositionalRead
{
    /// <summary>
    /// Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the file ends first, at <paramref name="end"/>
    /// (the caller names the file in its error).
    /// </summary>
    public static bool TryFill(SafeFileHandle file, Span<byte> buffer, long offset, out long end)
    {
        end = offset;
        while (!buffer.IsEmpty)
        {
            int got = RandomAccess.Read(file, buffer, end);
            if (got <= 0) return false;
            buffer = buffer[got..];
            end += got;
        }
        return true;
    }
}
