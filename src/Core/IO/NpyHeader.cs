using System.Buffers.Binary;
using System.Text;

namespace MlNetConcepts.IO;

/// <summary>
/// A parsed <c>.npy</c> header. Layout (numpy's NEP 1 format description): the magic string
/// <c>\x93NUMPY</c>, a major and a minor version byte, the header length as a little-endian
/// uint16 (version 1.0) or uint32 (2.0 and 3.0), then the header itself, a Python dict literal
/// with <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, padded with spaces and ended by a
/// newline. The data follows directly, C order, in the byte order named by <c>descr</c>.
/// </summary>
internal sealed record NpyHeader(NdType Type, string Descr, long[] Shape, long DataOffset, int HeaderBytes)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Headers longer than this are refused (numpy itself caps them at 10 000 bytes by default).</summary>
    public const long MaxHeaderLength = 1 << 24;

    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d); // overflow was ruled out by Parse
    public int ElementSize => SafeTensors.ElementSize(Type);
    public long DataBytes => ElementCount * ElementSize;
    public string ShapeText => FormatShape(Shape);

    /// <summary>
    /// Throws when <paramref name="left"/> bytes after the header are fewer than the shape needs (truncated data) or, when
    /// <paramref name="exact"/>, more (a shape/size mismatch); <paramref name="source"/> names the file or member.
    /// </summary>
    public void CheckDataLength(long left, string source, bool exact = true)
    {
        if (left < DataBytes)
            throw new ConceptDataException($"{source}: truncated data: shape {ShapeText} of {Descr} needs {DataBytes} bytes but only {left} follow the header.");
        if (exact && left > DataBytes)
            throw new ConceptDataException($"{source}: shape/size mismatch: shape {ShapeText} of {Descr} needs {DataBytes} bytes but {left} follow the header.");
    }

    public static string FormatShape(long[] shape) => NdArray.FormatShape(shape);

    /// <summary>True when the bytes start with the <c>.npy</c> magic string.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.Length >= 6 && start[..6].SequenceEqual(Magic);

    /// <summary>Parses a header from a stream positioned at the magic string; leaves it at the data.</summary>
    public static NpyHeader Parse(Stream s, string source)
    {
        long start = s.CanSeek ? s.Position : 0;
        Span<byte> pre = stackalloc byte[8];
        if (ReadFull(s, pre) < 8 || !HasMagic(pre))
            throw new ConceptDataException($"{source}: not a .npy file (bad magic string).");
        byte major = pre[6];
        int lenBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new ConceptDataException($"{source}: unsupported .npy version {major}.{pre[7]} (1.0, 2.0 and 3.0 are read)."),
        };
        Span<byte> lenBuf = stackalloc byte[4];
        if (ReadFull(s, lenBuf[..lenBytes]) < lenBytes) throw new ConceptDataException($"{source}: truncated .npy header (the file ends inside the header length).");
        long headerLen = lenBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lenBuf) : BinaryPrimitives.ReadUInt32LittleEndian(lenBuf);
        if (s.CanSeek && headerLen > s.Length - s.Position)
            throw new ConceptDataException($"{source}: .npy header length {headerLen} runs past the end of the file ({s.Length - s.Position} bytes follow).");
        if (headerLen > MaxHeaderLength) throw new ConceptDataException($"{source}: .npy header length {headerLen} is implausibly large (limit {MaxHeaderLength}).");
        var hb = new byte[headerLen];
        if (ReadFull(s, hb) < headerLen) throw new ConceptDataException($"{source}: .npy header length {headerLen} runs past the end of the file.");
        // Version 3.0 allows UTF-8 in the header (structured field names); 1.0/2.0 are latin1.
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(hb);
        var (descr, fortran, shape) = NpyHeaderText.Parse(text, source);
        if (fortran) throw new ConceptDataException($"{source}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray(a) first.");
        var type = ParseDescr(descr, source);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ConceptDataException($"{source}: negative dimension in .npy shape {FormatShape(shape)}.");
            try { count = checked(count * d); checked { _ = count * SafeTensors.ElementSize(type); } }
            catch (OverflowException) { throw new ConceptDataException($"{source}: .npy shape {FormatShape(shape)} is too large."); }
        }
        int headerBytes = checked(6 + 2 + lenBytes + (int)headerLen);
        return new NpyHeader(type, descr, shape, start + headerBytes, headerBytes);
    }

    /// <summary>The element type of a numpy <c>descr</c>; little-endian and byte types only.</summary>
    public static NdType ParseDescr(string descr, string source) => descr switch
    {
        "<f4" => NdType.Float32, "<f8" => NdType.Float64, "<f2" => NdType.Float16,
        "<i4" => NdType.Int32, "<i8" => NdType.Int64,
        // Byte types have no byte order; numpy writes '|' but '<' and '=' mean the same for them.
        "|u1" or "<u1" or "=u1" => NdType.UInt8,
        "|b1" or "<b1" or "=b1" => NdType.Bool,
        _ when descr.StartsWith('>') => throw new ConceptDataException($"{source}: big-endian dtype '{descr}' is not supported; convert with a.astype(a.dtype.newbyteorder('<')) first."),
        _ => throw new ConceptDataException($"{source}: unsupported dtype '{descr}' (read: <f4 <f8 <f2 <i4 <i8 |u1 |b1)."),
    };

    /// <summary>The numpy <c>descr</c> written for an element type.</summary>
    public static string DescrOf(NdType type) => type switch
    {
        NdType.Float32 => "<f4", NdType.Float64 => "<f8", NdType.Float16 => "<f2",
        NdType.Int32 => "<i4", NdType.Int64 => "<i8", NdType.UInt8 => "|u1", NdType.Bool => "|b1",
        _ => throw new NotSupportedException($"{type} has no .npy dtype (bfloat16 is not a numpy type)."),
    };

    internal static int ReadFull(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// Writes a version 1.0 header (2.0 when the dict is too long for a 16-bit length), padded so
    /// the data starts 64-byte aligned, as numpy does. <paramref name="minHeaderBytes"/> reserves
    /// room in the dict so a later rewrite with a longer shape keeps the same total length.
    /// Returns the number of bytes written.
    /// </summary>
    public static int Write(Stream s, NdType type, long[] shape, int minHeaderBytes = 0)
    {
        var bytes = Build(type, shape, minHeaderBytes);
        s.Write(bytes);
        return bytes.Length;
    }

    /// <summary>The bytes of a header (see <see cref="Write"/>).</summary>
    public static byte[] Build(NdType type, long[] shape, int minHeaderBytes = 0)
    {
        string dict = $"{{'descr': '{DescrOf(type)}', 'fortran_order': False, 'shape': {FormatShape(shape)}, }}";
        if (dict.Length < minHeaderBytes) dict = dict.PadRight(minHeaderBytes);
        bool v2 = dict.Length + 11 > ushort.MaxValue;
        int prefix = v2 ? 12 : 10;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict.PadRight(padded - prefix - 1) + "\n";
        var result = new byte[padded];
        Magic.CopyTo(result, 0);
        result[6] = v2 ? (byte)2 : (byte)1;
        result[7] = 0;
        if (v2) BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)header.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, result.AsSpan(prefix));
        return result;
    }
}
