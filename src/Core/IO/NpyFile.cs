using System.Runtime.InteropServices;
using System.Text;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader and writer for numpy's <c>.npy</c> format: magic <c>\x93NUMPY</c>, version bytes, a
/// header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), a Python-literal header dict with
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then C-order little-endian data.
/// </summary>
public static partial class NpyFile
{
    /// <summary>Reads a whole <c>.npy</c> file into memory.</summary>
    public static NdArray Read(string path)
    {
        using var s = OpenRead(path);
        return Read(s, path);
    }

    /// <summary>Reads a float32 matrix (2-D, or 1-D as one column) as float32, converting other numeric types.</summary>
    public static float[] ReadMatrix(string path, out int rows, out int cols)
    {
        var a = Read(path);
        (rows, cols) = a.Matrix2D(path);
        return a.ToFloat32();
    }

    internal static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (FileNotFoundException e) { throw new ConceptDataException($"{path}: file not found.", e); }
        catch (DirectoryNotFoundException e) { throw new ConceptDataException($"{path}: file not found.", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConceptDataException($"{path}: cannot read file ({e.Message}).", e); }
    }

    /// <summary>Reads an array from a stream positioned at the magic string.</summary>
    public static NdArray Read(Stream s, string source)
    {
        var h = NpyHeader.Parse(s, source);
        long count = h.ElementCount;
        long bytes = count * h.ElementSize;
        if (s.CanSeek && s.Length - s.Position < bytes)
            throw new ConceptDataException($"{source}: truncated data: shape {h.ShapeText} of {h.Descr} needs {bytes} bytes but only {s.Length - s.Position} follow the header.");
        if (count > Array.MaxLength) throw new ConceptDataException($"{source}: {count} elements are too many to load at once; open it memory-mapped.");
        var raw = new byte[bytes];
        int read = 0;
        while (read < raw.Length)
        {
            int n = s.Read(raw, read, raw.Length - read);
            if (n == 0) throw new ConceptDataException($"{source}: truncated data: shape {h.ShapeText} needs {bytes} bytes but the file ends after {read}.");
            read += n;
        }
        return new NdArray(h.Type, h.Shape, Decode(h.Type, raw));
    }

    internal static Array Decode(NdType type, ReadOnlySpan<byte> raw) => type switch
    {
        NdType.Float32 => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
        NdType.Float64 => MemoryMarshal.Cast<byte, double>(raw).ToArray(),
        NdType.Float16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray(),
        NdType.Int32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
        NdType.Int64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
        NdType.UInt8 => raw.ToArray(),
        NdType.Bool => raw.ToArray().Select(b => b != 0).ToArray(),
        _ => throw new NotSupportedException($"{type} is not a numpy type this reader handles."),
    };

    /// <summary>Writes an array (float32, int32 or int64) atomically as a version 1.0 file.</summary>
    public static void Write(string path, NdArray array) => AtomicFile.Write(path, s => Write(s, array));

    /// <summary>Writes a float32 matrix (rows × cols) atomically.</summary>
    public static void WriteMatrix(string path, float[] data, int rows, int cols) => Write(path, NdArray.FromFloats(data, rows, cols));

    /// <summary>Writes a 1-D int32 array atomically.</summary>
    public static void WriteVector(string path, int[] data) => Write(path, NdArray.FromInt32s(data, data.Length));

    /// <summary>Writes an array to a stream.</summary>
    public static void Write(Stream s, NdArray array)
    {
        NpyHeader.Write(s, array.Type, array.Shape);
        ReadOnlySpan<byte> raw = array.Data switch
        {
            float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            _ => throw new NotSupportedException($"Writing {array.Type} to .npy is not supported (float32, int32, int64 are)."),
        };
        s.Write(raw);
    }
}

/// <summary>A parsed <c>.npy</c> header.</summary>
internal sealed record NpyHeader(NdType Type, string Descr, long[] Shape, long DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public long ElementCount => Shape.Aggregate(1L, (a, d) => checked(a * d));
    public int ElementSize => SafeTensors.ElementSize(Type);
    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    public static NpyHeader Parse(Stream s, string source)
    {
        long start = s.CanSeek ? s.Position : 0;
        Span<byte> pre = stackalloc byte[8];
        if (ReadFull(s, pre) < 8 || !pre[..6].SequenceEqual(Magic))
            throw new ConceptDataException($"{source}: not a .npy file (bad magic string).");
        byte major = pre[6];
        int lenBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new ConceptDataException($"{source}: unsupported .npy version {major}.{pre[7]} (1.0, 2.0 and 3.0 are read)."),
        };
        Span<byte> lenBuf = stackalloc byte[4];
        if (ReadFull(s, lenBuf[..lenBytes]) < lenBytes) throw new ConceptDataException($"{source}: truncated .npy header.");
        long headerLen = lenBytes == 2 ? BitConverter.ToUInt16(lenBuf) : BitConverter.ToUInt32(lenBuf);
        if (s.CanSeek && headerLen > s.Length - s.Position)
            throw new ConceptDataException($"{source}: header length {headerLen} runs past the end of the file.");
        if (headerLen > 1 << 24) throw new ConceptDataException($"{source}: header length {headerLen} is implausibly large.");
        var hb = new byte[headerLen];
        if (ReadFull(s, hb) < headerLen) throw new ConceptDataException($"{source}: header length {headerLen} runs past the end of the file.");
        // Version 3.0 allows UTF-8 in the header; 1.0/2.0 are latin1, which UTF-8 reads the same for ASCII dicts.
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(hb);
        var (descr, fortran, shape) = NpyHeaderText.Parse(text, source);
        if (fortran) throw new ConceptDataException($"{source}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray first.");
        var type = descr switch
        {
            "<f4" => NdType.Float32, "<f8" => NdType.Float64, "<f2" => NdType.Float16,
            "<i4" => NdType.Int32, "<i8" => NdType.Int64, "|u1" => NdType.UInt8, "|b1" => NdType.Bool,
            _ => throw new ConceptDataException($"{source}: unsupported dtype '{descr}' (read: <f4 <f8 <f2 <i4 <i8 |u1 |b1)."),
        };
        long offset = start + 6 + 2 + lenBytes + headerLen;
        return new NpyHeader(type, descr, shape, offset);
    }

    private static int ReadFull(Stream s, Span<byte> buffer)
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

    /// <summary>Writes a version 1.0 header (2.0 when the dict is too long), padded so data starts 64-byte aligned.</summary>
    public static void Write(Stream s, NdType type, long[] shape, int minHeaderBytes = 0)
    {
        string descr = type switch
        {
            NdType.Float32 => "<f4", NdType.Int32 => "<i4", NdType.Int64 => "<i8",
            _ => throw new NotSupportedException($"Writing {type} to .npy is not supported."),
        };
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        if (dict.Length < minHeaderBytes) dict = dict.PadRight(minHeaderBytes);
        bool v2 = dict.Length + 11 > ushort.MaxValue;
        int prefix = v2 ? 12 : 10;
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict.PadRight(padded - prefix - 1) + "\n";
        s.Write(Magic);
        s.WriteByte(v2 ? (byte)2 : (byte)1);
        s.WriteByte(0);
        if (v2) s.Write(BitConverter.GetBytes((uint)header.Length));
        else s.Write(BitConverter.GetBytes((ushort)header.Length));
        s.Write(Encoding.Latin1.GetBytes(header));
    }
}

/// <summary>Parses the Python-literal dict of a <c>.npy</c> header.</summary>
internal static class NpyHeaderText
{
    public static (string Descr, bool Fortran, long[] Shape) Parse(string text, string source)
    {
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        var t = text.Trim();
        if (!t.StartsWith('{') || !t.EndsWith('}')) throw new ConceptDataException($"{source}: malformed .npy header '{t}'.");
        int i = 1;
        while (i < t.Length - 1)
        {
            SkipSpace(t, ref i);
            if (t[i] == '}') break;
            string key = ReadString(t, ref i, source);
            SkipSpace(t, ref i);
            Expect(t, ref i, ':', source);
            SkipSpace(t, ref i);
            switch (key)
            {
                case "descr": descr = ReadString(t, ref i, source); break;
                case "fortran_order":
                    if (t.AsSpan(i).StartsWith("True")) { fortran = true; i += 4; }
                    else if (t.AsSpan(i).StartsWith("False")) { fortran = false; i += 5; }
                    else throw new ConceptDataException($"{source}: malformed fortran_order in .npy header.");
                    break;
                case "shape": shape = ReadTuple(t, ref i, source); break;
                default: throw new ConceptDataException($"{source}: unexpected key '{key}' in .npy header.");
            }
            SkipSpace(t, ref i);
            if (i < t.Length && t[i] == ',') i++;
        }
        if (descr is null || fortran is null || shape is null)
            throw new ConceptDataException($"{source}: .npy header lacks descr, fortran_order or shape.");
        return (descr, fortran.Value, shape);
    }

    private static void SkipSpace(string t, ref int i) { while (i < t.Length && char.IsWhiteSpace(t[i])) i++; }

    private static void Expect(string t, ref int i, char c, string source)
    {
        if (i >= t.Length || t[i] != c) throw new ConceptDataException($"{source}: malformed .npy header (expected '{c}').");
        i++;
    }

    private static string ReadString(string t, ref int i, string source)
    {
        if (i >= t.Length || (t[i] != '\'' && t[i] != '"')) throw new ConceptDataException($"{source}: malformed .npy header (expected a quoted string).");
        char q = t[i++];
        int end = t.IndexOf(q, i);
        if (end < 0) throw new ConceptDataException($"{source}: malformed .npy header (unterminated string).");
        var s = t[i..end];
        i = end + 1;
        return s;
    }

    private static long[] ReadTuple(string t, ref int i, string source)
    {
        Expect(t, ref i, '(', source);
        int end = t.IndexOf(')', i);
        if (end < 0) throw new ConceptDataException($"{source}: malformed shape in .npy header.");
        var parts = t[i..end].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        i = end + 1;
        try { return parts.Select(p => long.Parse(p.TrimEnd('L'), System.Globalization.CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException e) { throw new ConceptDataException($"{source}: malformed shape in .npy header.", e); }
    }
}
