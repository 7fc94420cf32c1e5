using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader and writer for the safetensors format (Hugging Face): an 8-byte little-endian header
/// length, a JSON header mapping each tensor name to its dtype, shape and byte range, an
/// optional <c>__metadata__</c> string map, then the raw little-endian data.
/// Reads and writes F32, F16, BF16, F64, I64, I32, U8 and BOOL.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation uses the same 100 MB bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>
    /// Reads a safetensors file. The header is checked completely before any tensor is read, and
    /// each tensor is read straight from the file, so no whole-file buffer is needed.
    /// </summary>
    public static SafeTensorsContent ReadFile(string path)
    {
        using var s = NpyFile.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        int got = NpyHeader.ReadFull(s, prefix);
        long headerLen = CheckHeaderLength(prefix[..got], s.Length, path);
        var headerBytes = new byte[headerLen];
        if (NpyHeader.ReadFull(s, headerBytes) < headerLen)
            throw new ConceptDataException($"{path}: safetensors header length {headerLen} runs past the end of the file ({s.Length} bytes).");
        long dataStart = 8 + headerLen;
        var (entries, metadata) = ParseHeader(headerBytes, s.Length - dataStart, path);
        var tensors = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            long bytes = e.End - e.Begin;
            if (bytes > Array.MaxLength) throw new ConceptDataException($"{path}: tensor '{e.Name}' of {bytes} bytes is too large to load.");
            var raw = new byte[bytes];
            s.Position = dataStart + e.Begin;
            if (NpyHeader.ReadFull(s, raw) < bytes) throw new ConceptDataException($"{path}: tensor '{e.Name}' is truncated.");
            tensors[e.Name] = Decode(e.Type, e.Shape, raw);
        }
        return new SafeTensorsContent(tensors, metadata, path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names the origin in error messages.</summary>
    public static SafeTensorsContent Read(ReadOnlySpan<byte> bytes, string source)
    {
        long headerLen = CheckHeaderLength(bytes[..Math.Min(8, bytes.Length)], bytes.Length, source);
        var data = bytes[(8 + (int)headerLen)..];
        var (entries, metadata) = ParseHeader(bytes.Slice(8, (int)headerLen), data.Length, source);
        var tensors = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (var e in entries)
            tensors[e.Name] = Decode(e.Type, e.Shape, data[(int)e.Begin..(int)e.End]);
        return new SafeTensorsContent(tensors, metadata, source);
    }

    /// <summary>Validates the 8-byte header length against the cap and the file length; returns it.</summary>
    private static long CheckHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        if (prefix.Length < 8) throw new ConceptDataException($"{source}: not a safetensors file (shorter than the 8-byte header length).");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLen > MaxHeaderBytes)
            throw new ConceptDataException($"{source}: safetensors header of {headerLen} bytes exceeds the {MaxHeaderBytes}-byte limit.");
        if ((ulong)fileLength - 8 < headerLen)
            throw new ConceptDataException($"{source}: safetensors header length {headerLen} runs past the end of the file ({fileLength} bytes).");
        return (long)headerLen;
    }

    /// <summary>
    /// Parses and validates the JSON header: dtypes, shapes, offsets inside the data section,
    /// sizes equal to shape × element size, no two tensors sharing bytes.
    /// </summary>
    private static (List<(string Name, NdType Type, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata)
        ParseHeader(ReadOnlySpan<byte> json, long dataLength, string source)
    {
        JsonObject header;
        try
        {
            header = JsonNode.Parse(json) as JsonObject
                ?? throw new ConceptDataException($"{source}: safetensors header is not a JSON object.");
        }
        catch (JsonException e) { throw new ConceptDataException($"{source}: safetensors header is not valid JSON ({e.Message}).", e); }

        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, NdType Type, long[] Shape, long Begin, long End)>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    if (node is not JsonObject m) throw new ConceptDataException($"{source}: __metadata__ is not a JSON object.");
                    foreach (var (k, v) in m)
                        metadata[k] = v is JsonValue sv && sv.TryGetValue<string>(out var text)
                            ? text
                            : throw new ConceptDataException($"{source}: __metadata__ value '{k}' is not a string.");
                    continue;
                }
                entries.Add(ParseEntry(name, node, dataLength, source));
            }
        }
        catch (ArgumentException e)
        {
            // JsonObject reports a repeated key while enumerating.
            throw new ConceptDataException($"{source}: safetensors header is not valid ({e.Message}).", e);
        }
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new ConceptDataException($"{source}: tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' have overlapping data_offsets.");
        return (entries, metadata);
    }

    /// <summary>Writes tensors (any <see cref="NdType"/>) and optional metadata to a stream, in the order given.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NdArray>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var m = new JsonObject();
            foreach (var (k, v) in metadata) m[k] = v;
            header["__metadata__"] = m;
        }
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, t) in list)
        {
            if (name == "__metadata__" || !seen.Add(name))
                throw new ArgumentException($"Tensor name '{name}' is reserved or repeated.", nameof(tensors));
            long bytes = t.Length * ElementSize(t.Type);
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(t.Type),
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - json.Length % 8) % 8; // keep the data section 8-byte aligned, as the reference writer does
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
        stream.Write(len);
        stream.Write(json);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var (_, t) in list) stream.Write(NpyFile.RawBytes(t));
    }

    /// <summary>The safetensors dtype name of an element type.</summary>
    public static string DTypeName(NdType type) => type switch
    {
        NdType.Float32 => "F32", NdType.Float64 => "F64", NdType.Float16 => "F16", NdType.BFloat16 => "BF16",
        NdType.Int64 => "I64", NdType.Int32 => "I32", NdType.UInt8 => "U8", NdType.Bool => "BOOL",
        _ => throw new NotSupportedException($"{type} has no safetensors dtype."),
    };

    /// <summary>Writes a safetensors file atomically (temporary file, then rename).</summary>
    public static void WriteFile(string path, IEnumerable<KeyValuePair<string, NdArray>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, s => Write(s, tensors, metadata));

    private static (string Name, NdType Type, long[] Shape, long Begin, long End) ParseEntry(string name, JsonNode? node, long dataLength, string source)
    {
        if (node is not JsonObject t) throw new ConceptDataException($"{source}: entry '{name}' is not an object.");
        string? dtype = t["dtype"] is JsonValue dv && dv.TryGetValue<string>(out var d) ? d : null;
        var type = ParseType(dtype, name, source);
        var shape = ReadIntegers(t["shape"], source, $"tensor '{name}' has no valid shape");
        var offs = ReadIntegers(t["data_offsets"], source, $"tensor '{name}' has no valid data_offsets");
        if (offs.Length != 2) throw new ConceptDataException($"{source}: tensor '{name}' has no valid data_offsets (expected [begin, end]).");
        long count = 1, bytes;
        try
        {
            foreach (var dim in shape)
            {
                if (dim < 0) throw new ConceptDataException($"{source}: tensor '{name}' has a negative dimension in shape ({string.Join(", ", shape)}).");
                count = checked(count * dim);
            }
            bytes = checked(count * ElementSize(type));
        }
        catch (OverflowException) { throw new ConceptDataException($"{source}: tensor '{name}' shape ({string.Join(", ", shape)}) is too large."); }
        if (offs[0] < 0 || offs[1] < offs[0] || offs[1] > dataLength)
            throw new ConceptDataException($"{source}: tensor '{name}' data_offsets [{offs[0]}, {offs[1]}] are outside the {dataLength}-byte data section.");
        if (offs[1] - offs[0] != bytes)
            throw new ConceptDataException($"{source}: tensor '{name}' with shape ({string.Join(", ", shape)}) and dtype {dtype} needs {bytes} bytes but its data_offsets span {offs[1] - offs[0]}.");
        return (name, type, shape, offs[0], offs[1]);
    }

    private static long[] ReadIntegers(JsonNode? node, string source, string problem)
    {
        if (node is not JsonArray a) throw new ConceptDataException($"{source}: {problem}.");
        var result = new long[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is not JsonValue v || !v.TryGetValue<long>(out result[i]))
                throw new ConceptDataException($"{source}: {problem} (entry {i} is not an integer).");
        }
        return result;
    }

    private static NdType ParseType(string? dtype, string name, string source) => dtype switch
    {
        "F32" => NdType.Float32, "F64" => NdType.Float64, "F16" => NdType.Float16, "BF16" => NdType.BFloat16,
        "I64" => NdType.Int64, "I32" => NdType.Int32, "U8" => NdType.UInt8, "BOOL" => NdType.Bool,
        _ => throw new ConceptDataException($"{source}: tensor '{name}' has unsupported dtype '{dtype}' (supported: F32, F64, F16, BF16, I64, I32, U8, BOOL)."),
    };

    internal static int ElementSize(NdType t) => t switch
    {
        NdType.Float64 or NdType.Int64 => 8,
        NdType.Float32 or NdType.Int32 => 4,
        NdType.Float16 or NdType.BFloat16 => 2,
        _ => 1,
    };

    private static NdArray Decode(NdType type, long[] shape, ReadOnlySpan<byte> raw)
    {
        // Safetensors data is little-endian, as is every platform .NET runs on here.
        Array data = type switch
        {
            NdType.Float32 => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
            NdType.Float64 => MemoryMarshal.Cast<byte, double>(raw).ToArray(),
            NdType.Float16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray(),
            NdType.BFloat16 => MemoryMarshal.Cast<byte, ushort>(raw).ToArray(),
            NdType.Int64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
            NdType.Int32 => MemoryMarshal.Cast<byte, int>(raw).ToArray(),
            NdType.UInt8 => raw.ToArray(),
            _ => raw.ToArray().Select(b => b != 0).ToArray(),
        };
        return new NdArray(type, shape, data);
    }
}

/// <summary>The tensors and metadata of a safetensors file.</summary>
/// <param name="Tensors">Tensors by name.</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when absent).</param>
/// <param name="Source">File name or description used in error messages.</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, NdArray> Tensors, IReadOnlyDictionary<string, string> Metadata, string Source)
{
    /// <summary>The tensor with the given name; a clear error listing the names when absent.</summary>
    public NdArray this[string name] => Tensors.TryGetValue(name, out var t)
        ? t
        : throw new ConceptDataException($"{Source}: no tensor named '{name}' (present: {string.Join(", ", Tensors.Keys)}).");
}
