using System.Buffers.Binary;
using System.IO.Compression;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type
/// byte, the number of dimensions, each dimension as a big-endian uint32, then the data in C
/// order, big-endian. Files may be gzip-compressed (detected from the gzip magic, not the name).
/// Types: 0x08 uint8 (kept as <see cref="NdType.UInt8"/>), 0x09 int8, 0x0B int16 and 0x0C int32
/// (read as <see cref="NdType.Int32"/>, widened without loss), 0x0D float32, 0x0E float64.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an IDX file (plain or gzip).</summary>
    public static NdArray Read(string path) => Read(path, out _);

    /// <summary>Reads an IDX file and reports the element type as stored (e.g. "int16", before widening).</summary>
    public static NdArray Read(string path, out string storedType)
    {
        using var file = NpyFile.OpenRead(path);
        Span<byte> peek = stackalloc byte[2];
        int n = NpyHeader.ReadFull(file, peek);
        file.Position = 0;
        bool gzip = n == 2 && peek[0] == 0x1F && peek[1] == 0x8B;
        try
        {
            using Stream s = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            var array = Read(s, path, out byte code);
            storedType = TypeName(code)!;
            return array;
        }
        catch (InvalidDataException e) { throw new ConceptDataException($"{path}: corrupt gzip stream ({e.Message}).", e); }
    }

    /// <summary>The element type name of an IDX type byte (e.g. "uint8" for 0x08), or null when unknown.</summary>
    public static string? TypeName(byte code) => code switch
    {
        0x08 => "uint8", 0x09 => "int8", 0x0B => "int16", 0x0C => "int32", 0x0D => "float32", 0x0E => "float64", _ => null,
    };

    /// <summary>True when the bytes look like the start of an IDX file (zero bytes, a known type, 1–8 dims).</summary>
    public static bool LooksLikeIdx(ReadOnlySpan<byte> start)
        => start.Length >= 4 && start[0] == 0 && start[1] == 0 && TypeName(start[2]) is not null && start[3] is >= 1 and <= 8;

    /// <summary>Reads an IDX array from a (decompressed) stream; the stream must end after the data.</summary>
    public static NdArray Read(Stream s, string source) => Read(s, source, out _);

    private static NdArray Read(Stream s, string source, out byte code)
    {
        Span<byte> magic = stackalloc byte[4];
        if (NpyHeader.ReadFull(s, magic) < 4 || magic[0] != 0 || magic[1] != 0)
            throw new ConceptDataException($"{source}: not an IDX file (bad magic number).");
        code = magic[2];
        int size = code switch
        {
            0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, 0x0E => 8,
            _ => throw new ConceptDataException($"{source}: unknown IDX element type 0x{code:X2} (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E are read)."),
        };
        int rank = magic[3];
        if (rank < 1) throw new ConceptDataException($"{source}: IDX file declares 0 dimensions.");
        var dimBytes = new byte[4 * rank];
        if (NpyHeader.ReadFull(s, dimBytes) < dimBytes.Length)
            throw new ConceptDataException($"{source}: truncated IDX header ({rank} dimensions declared).");
        var shape = new long[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            count *= shape[i]; // < 2^32 per factor; the cap below catches anything too large
            if (count > Array.MaxLength)
                throw new ConceptDataException($"{source}: IDX shape ({string.Join(", ", shape[..(i + 1)])}, …) holds too many elements to load.");
        }
        long bytes = count * size;
        if (bytes > Array.MaxLength) throw new ConceptDataException($"{source}: IDX data of {bytes} bytes is too large to load.");
        var raw = new byte[bytes];
        int read = NpyHeader.ReadFull(s, raw);
        string shapeText = NpyHeader.FormatShape(shape);
        if (read < bytes)
            throw new ConceptDataException($"{source}: truncated data: IDX shape {shapeText} of {TypeName(code)} needs {bytes} bytes but only {read} follow the header.");
        Span<byte> extra = stackalloc byte[1];
        if (NpyHeader.ReadFull(s, extra) > 0)
            throw new ConceptDataException($"{source}: shape/size mismatch: more data follows the {bytes} bytes that IDX shape {shapeText} of {TypeName(code)} needs.");
        return new NdArray(TypeOf(code), shape, Decode(code, raw));
    }

    private static NdType TypeOf(byte code) => code switch
    {
        0x08 => NdType.UInt8, 0x0D => NdType.Float32, 0x0E => NdType.Float64, _ => NdType.Int32,
    };

    private static Array Decode(byte code, byte[] raw)
    {
        switch (code)
        {
            case 0x08: return raw;
            case 0x09: return Array.ConvertAll(raw, b => (int)(sbyte)b);
            case 0x0B:
            {
                var r = new int[raw.Length / 2];
                for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan(2 * i));
                return r;
            }
            case 0x0C:
            {
                var r = new int[raw.Length / 4];
                for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 * i));
                return r;
            }
            case 0x0D:
            {
                var r = new float[raw.Length / 4];
                for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(4 * i));
                return r;
            }
            default:
            {
                var r = new double[raw.Length / 8];
                for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadDoubleBigEndian(raw.AsSpan(8 * i));
                return r;
            }
        }
    }
}
