using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;

namespace MlNetConcepts.Views;

/// <summary>
/// The record batches of an Arrow IPC file (<c>.arrow</c>, Feather v2) or stream (<c>.arrows</c>), read whole into
/// memory when opened; LZ4- and Zstandard-compressed buffers (pyarrow's Feather default) are decompressed.
/// Columns that hand out rows straight from the batches keep a reference; the batches are freed when the last
/// holder lets go.
/// </summary>
internal sealed class ArrowBatches : IDisposable
{
    private static readonly byte[] FileMagic = "ARROW1"u8.ToArray();
    private int _holders = 1;

    private ArrowBatches(string path, Schema schema, RecordBatch[] batches)
    {
        Path = path;
        Schema = schema;
        Batches = batches;
        BatchStart = new long[batches.Length + 1];
        for (int b = 0; b < batches.Length; b++) BatchStart[b + 1] = BatchStart[b] + batches[b].Length;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Its schema.</summary>
    public Schema Schema { get; }
    /// <summary>Its record batches, in file order.</summary>
    public RecordBatch[] Batches { get; }
    /// <summary>Row index of each batch's first row, and the total row count last.</summary>
    public long[] BatchStart { get; }
    /// <summary>Total number of rows.</summary>
    public long Rows => BatchStart[^1];

    /// <summary>Reads every record batch of <paramref name="path"/>; a clear error names the file when it is not a whole Arrow IPC file or stream.</summary>
    public static ArrowBatches Read(string path)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: file not found.");
        bool isFile = CheckFraming(path);
        var batches = new List<RecordBatch>();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var codecs = new CompressionCodecFactory();
            using var reader = isFile ? new ArrowFileReader(stream, codecs) : new ArrowStreamReader(stream, codecs);
            var schema = reader.Schema;
            while (reader.ReadNextRecordBatch() is { } batch) batches.Add(batch);
            return new ArrowBatches(path, schema, batches.ToArray());
        }
        catch (Exception e) when (e is not ConceptDataException and not OutOfMemoryException)
        {
            foreach (var b in batches) b.Dispose();
            throw new ConceptDataException($"{path}: not a readable Arrow IPC {(isFile ? "file" : "stream")} ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    /// <summary>
    /// True for the IPC file format (magic <c>ARROW1</c> at both ends), false for a stream (which must end with the
    /// end-of-stream marker). Either way a file cut short is reported as truncated rather than read in part.
    /// </summary>
    private static bool CheckFraming(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64);
        var head = new byte[8];
        var tail = new byte[8];
        int got = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (s.Length >= 8) { s.Position = s.Length - 8; s.ReadExactly(tail); }
        if (got >= 6 && head.AsSpan(0, 6).SequenceEqual(FileMagic))
        {
            if (s.Length < 12 || !tail.AsSpan(2, 6).SequenceEqual(FileMagic))
                throw new ConceptDataException($"{path}: truncated Arrow IPC file (it starts with ARROW1 but does not end with the footer and ARROW1).");
            return true;
        }
        // A stream opens with a message: continuation 0xFFFFFFFF, or (older writers) straight away the metadata length.
        if (got >= 4 && (BitConverter.ToUInt32(head, 0) == 0xFFFFFFFF || BitConverter.ToInt32(head, 0) is int length && length > 0 && length < s.Length))
        {
            // A stream ends with the end-of-stream marker: continuation 0xFFFFFFFF then length 0 (older writers: length 0 alone).
            bool continued = BitConverter.ToUInt32(head, 0) == 0xFFFFFFFF;
            bool marked = continued
                ? s.Length >= 8 && BitConverter.ToUInt32(tail, 0) == 0xFFFFFFFF && BitConverter.ToInt32(tail, 4) == 0
                : s.Length >= 4 && BitConverter.ToInt32(tail, 4) == 0;
            if (!marked) throw new ConceptDataException($"{path}: truncated Arrow IPC stream (it does not end with the end-of-stream marker).");
            return false;
        }
        throw new ConceptDataException($"{path}: not an Arrow IPC file or stream (no ARROW1 magic, no stream message at the start; Feather v1 files are not read, rewrite them with pyarrow.feather.write_feather).");
    }

    /// <summary>Takes a reference; release it with <see cref="Dispose"/>.</summary>
    public ArrowBatches Retain()
    {
        Interlocked.Increment(ref _holders);
        return this;
    }

    /// <summary>Lets go of one reference; the last one frees the batches.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
            foreach (var b in Batches) b.Dispose();
    }
}
