using System.IO.Compression;

namespace MlNetConcepts.IO;

/// <summary>
/// Reader for numpy's <c>.npz</c> archives (<c>numpy.savez</c> / <c>savez_compressed</c>): a zip
/// file whose members are <c>.npy</c> files, stored or deflated. Arrays are named after their
/// member without the <c>.npy</c> extension, as <c>numpy.load(path).files</c> lists them.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads the arrays of the archive (those <paramref name="include"/> accepts, or all), in archive order.</summary>
    public static IReadOnlyDictionary<string, NdArray> Read(string path, Func<string, bool>? include = null)
    {
        var result = new Dictionary<string, NdArray>(StringComparer.Ordinal);
        foreach (var (name, array) in ReadEntries(path, include)) result[name] = array;
        return result;
    }

    /// <summary>
    /// Reads the arrays of the archive as (name, array) pairs in archive order; with
    /// <paramref name="include"/>, members it rejects are skipped unread (e.g. scipy's string <c>format</c>).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, NdArray>> ReadEntries(string path, Func<string, bool>? include = null)
    {
        using var file = NpyFile.OpenRead(path);
        ZipArchive zip;
        try { zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new ConceptDataException($"{path}: not a valid .npz (zip) archive ({e.Message}).", e); }
        using (zip)
        {
            var list = new List<KeyValuePair<string, NdArray>>();
            foreach (var entry in zip.Entries)
            {
                // numpy only treats members ending in .npy as arrays; directories and other files are skipped.
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = entry.FullName[..^4];
                if (include is not null && !include(name)) continue;
                string source = $"{path}[{name}]";
                if (entry.Length > Array.MaxLength)
                    throw new ConceptDataException($"{source}: member of {entry.Length} bytes is too large to load.");
                // Straight from the member's stream into the typed array: an intermediate copy of a large
                // member (CSR codes) would cost its page faults twice.
                try
                {
                    using var s = new SizedStream(entry.Open(), entry.Length);
                    list.Add(new(name, NpyFile.Read(s, source, exactLength: true)));
                }
                catch (InvalidDataException e) { throw new ConceptDataException($"{source}: corrupt archive member ({e.Message}).", e); }
            }
            return list;
        }
    }

    /// <summary>
    /// A member's forward-only stream that knows its length (from the archive directory) and how far it has
    /// been read, so the .npy reader can check the data length as it does for files; seeking is not offered.
    /// </summary>
    private sealed class SizedStream(Stream inner, long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException("An archive member is read forwards only."); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An archive member is read forwards only.");
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
