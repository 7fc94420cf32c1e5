using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MlNetConcepts.IO;

/// <summary>One member of a zip archive as its central directory describes it.</summary>
/// <param name="Name">The member's name (UTF-8 or code page 437 as the archive says; numpy writes ASCII).</param>
/// <param name="Method">Compression method: 0 stored, 8 deflated.</param>
/// <param name="Flags">General-purpose flags (bit 0: encrypted).</param>
/// <param name="Crc">CRC-32 of the uncompressed bytes.</param>
/// <param name="CompressedSize">Bytes the member occupies in the archive.</param>
/// <param name="Size">Bytes once uncompressed.</param>
/// <param name="LocalHeaderOffset">Where the member's local header starts.</param>
internal readonly record struct ZipMember(string Name, ushort Method, ushort Flags, uint Crc, long CompressedSize, long Size, long LocalHeaderOffset)
{
    /// <summary>True for a member kept as it is (no compression, no encryption): its bytes can be read in place.</summary>
    public bool IsStored => Method == 0 && (Flags & 1) == 0 && CompressedSize == Size;
}

/// <summary>
/// Reads a zip archive's central directory (PKWARE APPNOTE 6.3, §4.3): the end-of-central-directory record
/// found from the end of the file, its zip64 counterpart when a count, size or offset overflowed 16 or 32 bits
/// (numpy's <c>savez</c> writes zip64 for large members), then one header per member. Only what locating a
/// member's bytes needs is kept. <see cref="System.IO.Compression.ZipArchive"/> does not expose a member's
/// offset or method, which reading a stored member in place needs.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, End64Signature = 0x06064b50, End64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;

    /// <summary>The members of the archive at <paramref name="path"/>, in directory order; errors name the file.</summary>
    public static List<ZipMember> Read(SafeFileHandle file, string path)
    {
        long length = RandomAccess.GetLength(file);
        // The end record is 22 bytes plus a comment of at most 65,535 bytes.
        int tailLength = (int)Math.Min(length, 22 + 65_535);
        var tail = new byte[tailLength];
        ReadExactly(file, tail, length - tailLength, path);
        int end = -1;
        for (int i = tailLength - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature) { end = i; break; }
        if (end < 0) throw Bad(path, "no end-of-central-directory record");
        var e = tail.AsSpan(end);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        long endPosition = length - tailLength + end;
        if ((count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF) && endPosition >= 20)
        {
            var locator = new byte[20];
            ReadExactly(file, locator, endPosition - 20, path);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) == End64LocatorSignature)
            {
                long end64 = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
                var record = new byte[56];
                if (end64 < 0 || end64 > endPosition - 56) throw Bad(path, $"zip64 end record offset {end64} is outside the file");
                ReadExactly(file, record, end64, path);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) != End64Signature) throw Bad(path, "zip64 end record not found where its locator points");
                count = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32));
                size = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40));
                offset = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48));
            }
        }
        if (offset < 0 || size < 0 || offset > length - size || size > Array.MaxLength)
            throw Bad(path, $"central directory of {size} bytes at {offset} does not fit in the file of {length} bytes (truncated?)");
        var directory = new byte[size];
        ReadExactly(file, directory, offset, path);
        var members = new List<ZipMember>();
        int at = 0;
        for (long m = 0; m < count; m++)
        {
            if (at > directory.Length - 46 || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(at)) != CentralSignature)
                throw Bad(path, $"central directory entry {m} is damaged");
            var h = directory.AsSpan(at);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long plain = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (at + 46L + nameLength + extraLength + commentLength > directory.Length) throw Bad(path, $"central directory entry {m} runs past the directory");
            // Bit 11: the name is UTF-8; otherwise code page 437, whose printable ASCII is the same.
            string name = ((flags & 0x800) != 0 ? Encoding.UTF8 : Encoding.Latin1).GetString(h.Slice(46, nameLength));
            ReadZip64(h.Slice(46 + nameLength, extraLength), ref plain, ref compressed, ref local);
            if (local < 0 || local > offset) throw Bad(path, $"member '{name}' starts at {local}, outside the archive's data");
            members.Add(new ZipMember(name, method, flags, crc, compressed, plain, local));
            at += 46 + nameLength + extraLength + commentLength;
        }
        return members;
    }

    /// <summary>
    /// Where the bytes of <paramref name="member"/> start: after its local header, whose name and extra field
    /// lengths may differ from the central directory's. The local header must match the directory's name and method.
    /// </summary>
    public static long DataOffset(SafeFileHandle file, ZipMember member, string path)
    {
        var h = new byte[30];
        ReadExactly(file, h, member.LocalHeaderOffset, path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSignature) throw Bad(path, $"member '{member.Name}' has no local header at {member.LocalHeaderOffset}");
        if (BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(8)) != member.Method) throw Bad(path, $"member '{member.Name}': the local header's compression method differs from the directory's");
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(28));
        return member.LocalHeaderOffset + 30 + nameLength + extraLength;
    }

    // The zip64 extended-information field (id 1) holds, in this order, those of the uncompressed size,
    // compressed size and local header offset whose 32-bit fields are all ones.
    private static void ReadZip64(ReadOnlySpan<byte> extra, ref long plain, ref long compressed, ref long local)
    {
        while (extra.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int len = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]), extra.Length - 4);
            var field = extra.Slice(4, len);
            if (id == 1)
            {
                int at = 0;
                if (plain == 0xFFFFFFFF && at + 8 <= field.Length) { plain = BinaryPrimitives.ReadInt64LittleEndian(field[at..]); at += 8; }
                if (compressed == 0xFFFFFFFF && at + 8 <= field.Length) { compressed = BinaryPrimitives.ReadInt64LittleEndian(field[at..]); at += 8; }
                if (local == 0xFFFFFFFF && at + 8 <= field.Length) local = BinaryPrimitives.ReadInt64LittleEndian(field[at..]);
                return;
            }
            extra = extra[(4 + len)..];
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        if (!PositionalRead.TryFill(file, buffer, offset, out long end)) throw Bad(path, $"the file ends at {end} (truncated?)");
    }

    private static ConceptDataException Bad(string path, string what) => new($"{path}: not a valid .npz (zip) archive ({what}).");
}
