using System.Runtime.InteropServices;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader and writer for numpy's <c>.npy</c> format: magic <c>\x93NUMPY</c>, version bytes, a
/// header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), a Python-literal header dict with
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then C-order little-endian data.
/// Reads <c>&lt;f4 &lt;f8 &lt;f2 &lt;i4 &lt;i8 |u1 |b1</c>; writes the same except float16.
/// Large float32 matrices can be read memory-mapped (<see cref="NpyMappedMatrix"/>) and written
/// a block of rows at a time (<see cref="NpyStreamWriter"/>).
/// </summary>
public static partial class NpyFile
{
    /// <summary>Reads a whole <c>.npy</c> file into memory; the file must hold exactly the data its header describes.</summary>
    public static NdArray Read(string path)
    {
        using var s = OpenRead(path);
        return Read(s, path, exactLength: true);
    }

    /// <summary>Reads a float32 matrix (2-D, or 1-D as one column) as float32, converting other numeric types.</summary>
    public static float[] ReadMatrix(string path, out int rows, out int cols)
    {
        var a = Read(path);
        (rows, cols) = a.Matrix2D(path);
        return a.ToFloat32();
    }

    /// <summary>The most elements a whole-file read accepts: one .NET array's limit, or what a test sets.</summary>
    public static long WholeLoadLimit => WholeLoadLimitOverride ?? Array.MaxLength;

    /// <summary>Tests set this (on their own thread) to prove a command never reads a file whole.</summary>
    [ThreadStatic]
    internal static long? WholeLoadLimitOverride;

    internal static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (FileNotFoundException e) { throw new ConceptDataException($"{path}: file not found.", e); }
        catch (DirectoryNotFoundException e) { throw new ConceptDataException($"{path}: file not found.", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConceptDataException($"{path}: cannot read file ({e.Message}).", e); }
    }

    /// <summary>
    /// Reads an array from a stream positioned at the magic string. The stream is left after
    /// the array's data, so several arrays may follow each other.
    /// </summary>
    public static NdArray Read(Stream s, string source) => Read(s, source, exactLength: false);

    /// <summary>Reads an array; with <paramref name="exactLength"/> a seekable stream must end right after the data.</summary>
    internal static NdArray Read(Stream s, string source, bool exactLength)
    {
        var h = NpyHeader.Parse(s, source);
        long bytes = h.DataBytes;
        if (s.CanSeek) h.CheckDataLength(s.Length - s.Position, source, exactLength);
        if (h.ElementCount > WholeLoadLimit || bytes > Array.MaxLength)
            throw new ConceptDataException($"{source}: {h.ElementCount} elements are too many to load at once; commands that stream their inputs read float32 .npy files of any size, so save it as float32.");
        // Read straight into the typed buffer: one pass, no intermediate byte copy.
        int count = (int)h.ElementCount;
        Array data = h.Type switch
        {
            NdType.Float32 => ReadArray<float>(s, count, h, source),
            NdType.Float64 => ReadArray<double>(s, count, h, source),
            NdType.Float16 => ReadArray<Half>(s, count, h, source),
            NdType.Int32 => ReadArray<int>(s, count, h, source),
            NdType.Int64 => ReadArray<long>(s, count, h, source),
            NdType.Bool => ReadBools(s, count, h, source),
            _ => ReadArray<byte>(s, count, h, source),
        };
        return new NdArray(h.Type, h.Shape, data);
    }

    private static T[] ReadArray<T>(Stream s, int count, NpyHeader h, string source) where T : unmanaged
    {
        var a = new T[count];
        int read = NpyHeader.ReadFull(s, MemoryMarshal.AsBytes(a.AsSpan()));
        if (read < h.DataBytes)
            throw new ConceptDataException($"{source}: truncated data: shape {h.ShapeText} of {h.Descr} needs {h.DataBytes} bytes but the file ends after {read}.");
        return a;
    }

    private static bool[] ReadBools(Stream s, int count, NpyHeader h, string source)
    {
        var a = ReadArray<bool>(s, count, h, source);
        // numpy reads any nonzero byte as True; a .NET bool must be exactly 0 or 1.
        foreach (ref var b in MemoryMarshal.AsBytes(a.AsSpan())) if (b > 1) b = 1;
        return a;
    }

    /// <summary>Decodes little-endian bytes into the typed buffer of <paramref name="type"/>.</summary>
    internal static Array Decode(NdType type, ReadOnlySpan<byte> raw) => type switch
    {
        NdType.Float32 => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
        NdType.Float64 => MemoryMarshal.Cast<byte, double>(raw).ToArray(),
        NdType.Float16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray(),
        NdType.BFloat16 => MemoryMarshal.Cast<byte, ushort>(raw).ToArray(),
        NdType.Int32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
        NdType.Int64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
        NdType.UInt8 => raw.ToArray(),
        // Any nonzero byte is True, as numpy reads it.
        NdType.Bool => DecodeBools(raw),
        _ => throw new NotSupportedException($"{type} is not a type this reader handles."),
    };

    private static bool[] DecodeBools(ReadOnlySpan<byte> raw)
    {
        var result = new bool[raw.Length];
        for (int i = 0; i < raw.Length; i++) result[i] = raw[i] != 0;
        return result;
    }

    /// <summary>The raw little-endian bytes of a typed buffer.</summary>
    internal static ReadOnlySpan<byte> RawBytes(NdArray array) => array.Data switch
    {
        float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        Half[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
        byte[] a => a,
        bool[] a => MemoryMarshal.AsBytes(a.AsSpan()), // .NET bools are one byte, 0 or 1
        _ => throw new NotSupportedException($"Unknown buffer type {array.Data.GetType()}."),
    };

    /// <summary>Writes an array atomically as a version 1.0 file (float32, float64, int32, int64, uint8, bool).</summary>
    public static void Write(string path, NdArray array) => AtomicFile.Write(path, s => Write(s, array));

    /// <summary>Writes a float32 matrix (rows × cols) atomically.</summary>
    public static void WriteMatrix(string path, float[] data, int rows, int cols) => Write(path, NdArray.FromFloats(data, rows, cols));

    /// <summary>Writes a 1-D int32 array atomically.</summary>
    public static void WriteVector(string path, int[] data) => Write(path, NdArray.FromInt32s(data, data.Length));

    /// <summary>Writes an array to a stream.</summary>
    public static void Write(Stream s, NdArray array)
    {
        if (array.Type is NdType.BFloat16 or NdType.Float16)
            throw new NotSupportedException($"Writing {array.Type} to .npy is not supported (float32, float64, int32, int64, uint8 and bool are).");
        NpyHeader.Write(s, array.Type, array.Shape);
        s.Write(RawBytes(array));
    }
}
