using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace MlNetConcepts.IO;

/// <summary>The array file formats the project reads.</summary>
public enum ArrayFileFormat
{
    /// <summary>numpy <c>.npy</c>.</summary>
    Npy,
    /// <summary>numpy <c>.npz</c> (zip of <c>.npy</c>).</summary>
    Npz,
    /// <summary>Hugging Face safetensors.</summary>
    SafeTensors,
    /// <summary>IDX (MNIST), plain or gzip.</summary>
    Idx,
    /// <summary>Apache Arrow IPC file (<c>.arrow</c>, Feather v2) or stream (<c>.arrows</c>).</summary>
    Arrow,
}

/// <summary>One array of a file: name, element type, shape and value statistics.</summary>
/// <param name="Name">Array name (the file name for single-array formats).</param>
/// <param name="DType">Element type as numpy names it (e.g. "float32"; "bfloat16" for BF16; for IDX the stored type).</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Statistics">NaN-aware min/mean/max and NaN count.</param>
public sealed record ArraySummary(string Name, string DType, long[] Shape, ArrayStatistics Statistics);

/// <summary>What a file holds.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">Its format.</param>
/// <param name="Arrays">Its arrays, in file order.</param>
/// <param name="Metadata">String metadata (safetensors <c>__metadata__</c>; empty otherwise).</param>
public sealed record ArrayFileSummary(string Path, ArrayFileFormat Format, IReadOnlyList<ArraySummary> Arrays, IReadOnlyDictionary<string, string> Metadata);

/// <summary>Recognises array files and summarises their contents (what <c>mlnc info</c> prints).</summary>
public static class ArrayFiles
{
    /// <summary>
    /// The format of a file: by extension for <c>.npy</c>, <c>.npz</c>, <c>.safetensors</c> and Arrow's <c>.arrow</c>,
    /// <c>.feather</c>, <c>.arrows</c> and <c>.ipc</c> (so
    /// a damaged file still gets its reader's precise error), otherwise by its first bytes.
    /// </summary>
    public static ArrayFileFormat DetectFormat(string path)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".npy": return ArrayFileFormat.Npy;
            case ".npz": return ArrayFileFormat.Npz;
            case ".safetensors": return ArrayFileFormat.SafeTensors;
            case ".arrow" or ".feather" or ".arrows" or ".ipc": return ArrayFileFormat.Arrow;
        }
        using var s = NpyFile.OpenRead(path);
        var head = new byte[16];
        int n = NpyHeader.ReadFull(s, head);
        var start = head.AsSpan(0, n);
        if (NpyHeader.HasMagic(start)) return ArrayFileFormat.Npy;
        if (n >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] is 3 or 5 && start[3] is 4 or 6) return ArrayFileFormat.Npz;
        if (n >= 6 && start[..6].SequenceEqual("ARROW1"u8)) return ArrayFileFormat.Arrow;
        if (IdxFile.LooksLikeIdx(start)) return ArrayFileFormat.Idx;
        if (n >= 2 && start[0] == 0x1F && start[1] == 0x8B && GzipLooksLikeIdx(s)) return ArrayFileFormat.Idx;
        if (n >= 9 && start[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(start) <= (ulong)(s.Length - 8))
            return ArrayFileFormat.SafeTensors;
        throw new ConceptDataException($"{path}: unknown file type (expected .npy, .npz, .safetensors, Arrow IPC or IDX, plain or gzip).");
    }

    private static bool GzipLooksLikeIdx(Stream s)
    {
        try
        {
            s.Position = 0;
            using var gz = new GZipStream(s, CompressionMode.Decompress, leaveOpen: true);
            Span<byte> head = stackalloc byte[4];
            return NpyHeader.ReadFull(gz, head) == 4 && IdxFile.LooksLikeIdx(head);
        }
        catch (InvalidDataException) { return false; }
    }

    /// <summary>Reads a file and summarises each array. A <c>.npy</c> file is streamed, so its size is not limited by memory.</summary>
    public static ArrayFileSummary Summarize(string path)
    {
        var format = DetectFormat(path);
        var name = System.IO.Path.GetFileName(path);
        IReadOnlyDictionary<string, string> noMetadata = new Dictionary<string, string>();
        switch (format)
        {
            case ArrayFileFormat.Npy:
                return new(path, format, [SummarizeNpy(path, name)], noMetadata);
            case ArrayFileFormat.Npz:
                return new(path, format, NpzFile.ReadEntries(path).Select(e => Summarize(e.Key, e.Value)).ToList(), noMetadata);
            case ArrayFileFormat.SafeTensors:
                var st = SafeTensors.ReadFile(path);
                return new(path, format, st.Tensors.Select(e => Summarize(e.Key, e.Value)).ToList(), st.Metadata);
            case ArrayFileFormat.Arrow:
                return new(path, format, SummarizeArrow(path), noMetadata);
            default:
                var idx = IdxFile.Read(path, out var storedType);
                return new(path, format, [Summarize(name, idx) with { DType = storedType }], noMetadata);
        }
    }

    /// <summary>Arrow columns as arrays: a vector column as rows × width float32, numeric scalars as one dimension (text columns are left out).</summary>
    private static List<ArraySummary> SummarizeArrow(string path)
    {
        using var view = Views.ArrowSource.Load(path, []);
        var result = new List<ArraySummary>();
        foreach (var column in view.Columns)
        {
            var acc = new ArrayStatisticsAccumulator();
            if (column.IsFloatVector)
            {
                float[]? scratch = null;
                for (long r = 0; r < column.Rows; r += 4096)
                    acc.Add(column.DenseBlock(r, (int)Math.Min(4096, column.Rows - r), ref scratch));
                result.Add(new(column.Name, "float32", [column.Rows, column.Width], acc.Result));
            }
            else if (column is Views.ScalarArrayColumn { Values: not string[] } scalar)
            {
                acc.Add(scalar.Values);
                result.Add(new(column.Name, scalar.Values.GetType().GetElementType() switch
                {
                    Type t when t == typeof(float) => "float32",
                    Type t when t == typeof(double) => "float64",
                    Type t when t == typeof(int) => "int32",
                    _ => "int64",
                }, [column.Rows], acc.Result));
            }
        }
        return result;
    }

    private static ArraySummary Summarize(string name, NdArray a)
        => new(name, NdArray.NumpyName(a.Type), a.Shape, ArrayStatistics.Of(a));

    private static ArraySummary SummarizeNpy(string path, string name)
    {
        using var s = NpyFile.OpenRead(path);
        var h = NpyHeader.Parse(s, path);
        h.CheckDataLength(s.Length - s.Position, path);
        var acc = new ArrayStatisticsAccumulator();
        // 1 MiB chunks, a whole number of elements each.
        var chunk = new byte[(1 << 20) / h.ElementSize * h.ElementSize];
        long remaining = h.DataBytes;
        while (remaining > 0)
        {
            int want = (int)Math.Min(chunk.Length, remaining);
            int got = NpyHeader.ReadFull(s, chunk.AsSpan(0, want));
            if (got < want) throw new ConceptDataException($"{path}: truncated data: the file ended while reading.");
            var part = chunk.AsSpan(0, want);
            // The common float types are summarised in place; the rest go through a decoded copy.
            if (h.Type == NdType.Float32) acc.Add(MemoryMarshal.Cast<byte, float>(part));
            else if (h.Type == NdType.Float64) acc.Add(MemoryMarshal.Cast<byte, double>(part));
            else acc.Add(NpyFile.Decode(h.Type, part));
            remaining -= want;
        }
        return new(name, NdArray.NumpyName(h.Type), h.Shape, acc.Result);
    }
}
