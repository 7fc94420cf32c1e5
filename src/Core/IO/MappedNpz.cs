using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using MlNetConcepts.Views;

namespace MlNetConcepts.IO;

/// <summary>
/// The arrays of a numpy <c>.npz</c> archive with its stored (uncompressed) members read in place through a
/// memory mapping of the archive, which is what <c>numpy.savez</c> and <c>scipy.sparse.save_npz(…, compressed=False)</c>
/// write: a large array (CSR codes) is then neither copied out of the zip nor faulted in twice. Each stored
/// member's bytes are checked against the CRC-32 of the central directory once, when the archive is opened, the
/// members on separate threads: a stored member has no other check (a damaged byte would read as a wrong value,
/// and <see cref="System.IO.Compression.ZipArchive"/> does not catch it either), and the pass costs little
/// because it is the first touch of pages the evaluator reads anyway. Deflated members are read through
/// <see cref="NpzFile"/> into arrays. The plain reader of every member is <see cref="NpzFile.Read"/>. Memories
/// handed out stay valid until <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MappedNpz : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly Dictionary<string, (NpyHeader Header, long Start)> _stored;
    private readonly IReadOnlyDictionary<string, NdArray> _loaded;
    private bool _disposed;

    private MappedNpz(string path, MemoryMappedFile? file, MemoryMappedViewAccessor? view, Dictionary<string, (NpyHeader, long)> stored, IReadOnlyDictionary<string, NdArray> loaded)
    {
        Path = path;
        _file = file;
        _view = view;
        _stored = stored;
        _loaded = loaded;
        if (view is not null)
        {
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + view.PointerOffset;
        }
    }

    /// <summary>The archive.</summary>
    public string Path { get; }

    /// <summary>The names of the arrays read (stored and deflated).</summary>
    public IEnumerable<string> Names => _stored.Keys.Concat(_loaded.Keys);

    /// <summary>True when the archive holds array <paramref name="name"/> (and <c>include</c> accepted it).</summary>
    public bool Contains(string name) => _stored.ContainsKey(name) || _loaded.ContainsKey(name);

    /// <summary>
    /// Opens the archive and checks the members <paramref name="include"/> accepts (by array name, without
    /// <c>.npy</c>): stored members are located, their CRC-32 verified and their <c>.npy</c> headers and lengths
    /// checked; deflated ones are read. Errors name the archive and the member.
    /// </summary>
    public static MappedNpz Open(string path, Func<string, bool> include)
    {
        List<ZipMember> members;
        var stored = new Dictionary<string, (ZipMember Member, long Data)>(StringComparer.Ordinal);
        var deflated = new HashSet<string>(StringComparer.Ordinal);
        long length;
        using (var stream = NpyFile.OpenRead(path))
        {
            var handle = stream.SafeFileHandle;
            length = stream.Length;
            members = ZipDirectory.Read(handle, path);
            foreach (var m in members)
            {
                // numpy only treats members ending in .npy as arrays; directories and other files are skipped.
                if (!m.Name.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = m.Name[..^4];
                if (!include(name)) continue;
                if (!m.IsStored) { deflated.Add(name); stored.Remove(name); continue; }
                long data = ZipDirectory.DataOffset(handle, m, path);
                if (data > length - m.Size)
                    throw new ConceptDataException($"{path}[{name}]: member of {m.Size} bytes at {data} runs past the end of the archive ({length} bytes; truncated?).");
                stored[name] = (m, data);
                deflated.Remove(name);
            }
        }
        var loaded = deflated.Count == 0 ? new Dictionary<string, NdArray>() : NpzFile.Read(path, deflated.Contains);
        if (stored.Count == 0) return new MappedNpz(path, null, null, [], loaded);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            file = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            file?.Dispose();
            throw new ConceptDataException($"{path}: cannot memory-map the archive ({e.Message}).", e);
        }
        var headers = new Dictionary<string, (NpyHeader, long)>(StringComparer.Ordinal);
        var result = new MappedNpz(path, file, view, headers, loaded);
        try
        {
            var list = stored.ToArray();
            // The CRC pass is the first touch of every page of the members: the large ones on separate threads.
            var crcs = new uint[list.Length];
            Parallel.For(0, list.Length, i => crcs[i] = result.Crc(list[i].Value.Data, list[i].Value.Member.Size));
            for (int i = 0; i < list.Length; i++)
            {
                var (name, (member, data)) = list[i];
                string source = $"{path}[{name}]";
                if (crcs[i] != member.Crc)
                    throw new ConceptDataException($"{source}: corrupt archive member (CRC-32 {crcs[i]:x8}, the archive says {member.Crc:x8}).");
                using var s = new UnmanagedMemoryStream(result._base + data, member.Size);
                var h = NpyHeader.Parse(s, source);
                h.CheckDataLength(member.Size - h.DataOffset, source);
                headers[name] = (h, data);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>A copy of array <paramref name="name"/> (for the small ones: shapes, row offsets).</summary>
    public NdArray Read(string name)
    {
        if (_loaded.TryGetValue(name, out var a)) return a;
        var (h, start) = _stored[name];
        using var s = new UnmanagedMemoryStream(_base + start, h.DataOffset + h.DataBytes);
        return NpyFile.Read(s, $"{Path}[{name}]", exactLength: true);
    }

    /// <summary>
    /// Array <paramref name="name"/> as a memory: in place when it is a stored member of <paramref name="type"/>,
    /// otherwise null (the caller converts a copy from <see cref="Read"/>).
    /// </summary>
    public ReadOnlyMemory<T>? InPlace<T>(string name, NdType type) where T : unmanaged
    {
        if (!_stored.TryGetValue(name, out var m) || m.Header.Type != type || m.Header.ElementCount > Array.MaxLength) return null;
        return UnmanagedBlock.Of((T*)(_base + m.Start + m.Header.DataOffset), (int)m.Header.ElementCount);
    }

    private uint Crc(long start, long bytes)
    {
        var crc = new Crc32();
        for (long done = 0; done < bytes; done += 1 << 30)
            crc.Append(new ReadOnlySpan<byte>(_base + start + done, (int)Math.Min(1 << 30, bytes - done)));
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Unmaps the archive; memories from <see cref="InPlace{T}"/> are invalid afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null) _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view?.Dispose();
        _file?.Dispose();
    }
}
