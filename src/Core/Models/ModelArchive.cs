using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.IO;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Models;

/// <summary>
/// Saves fitted components as a zip archive: <c>manifest.json</c> (format version, the version
/// it is readable from, the component tree with each component's kind, layout version and
/// options) and one safetensors entry per component holding its tensors, so Python can read
/// the weights directly. Files are written to a temporary name and renamed when complete.
/// </summary>
public static class ModelArchive
{
    /// <summary>Archive format this build writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Oldest reader version that can read what this build writes.</summary>
    public const int ReadableFromVersion = 1;

    /// <summary>Name of the manifest entry.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>Writes <paramref name="component"/> to <paramref name="path"/>.</summary>
    public static void Save(ISavableComponent component, string path)
    {
        var root = new ModelSaveContext("model/", 1);
        component.Save(root);
        var manifest = new JsonObject
        {
            ["format"] = "mlnc-model",
            ["formatVersion"] = FormatVersion,
            ["readableFromVersion"] = ReadableFromVersion,
            ["library"] = typeof(ModelArchive).Assembly.GetName().Version?.ToString(),
            ["root"] = Describe(component.ComponentKind, root),
        };
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, ManifestEntry, s => JsonSerializer.Serialize(s, manifest, new JsonSerializerOptions { WriteIndented = true }));
            WriteTensors(zip, root);
        });
    }

    /// <summary>Saves a transformer; it must be savable.</summary>
    public static void Save(IConceptTransformer transformer, string path)
        => Save(transformer as ISavableComponent
            ?? throw new ConceptDataException($"{transformer.GetType().Name} cannot be saved (it is not an ISavableComponent)."), path);

    /// <summary>Saves a component that is both a transformer and savable (the usual case; avoids overload ambiguity).</summary>
    public static void Save<T>(T component, string path) where T : IConceptTransformer, ISavableComponent
        => Save((ISavableComponent)component, path);

    private static JsonObject Describe(string kind, ModelSaveContext ctx)
    {
        var children = new JsonObject();
        foreach (var (key, (childKind, childCtx)) in ctx.Children) children[key] = Describe(childKind, childCtx);
        return new JsonObject
        {
            ["kind"] = kind,
            ["version"] = ctx.ComponentVersion,
            ["options"] = ctx.Options.DeepClone(),
            ["tensors"] = ctx.TensorMap.Count > 0 ? ctx.EntryPath + "tensors.safetensors" : null,
            ["children"] = children,
        };
    }

    private static void WriteTensors(ZipArchive zip, ModelSaveContext ctx)
    {
        if (ctx.TensorMap.Count > 0)
            WriteEntry(zip, ctx.EntryPath + "tensors.safetensors", s => SafeTensors.Write(s, ctx.TensorMap));
        foreach (var (_, (_, child)) in ctx.Children) WriteTensors(zip, child);
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        // Tensors barely compress; storing them keeps saving and loading fast.
        var level = name.EndsWith(".safetensors", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
        using var s = zip.CreateEntry(name, level).Open();
        write(s);
    }

    /// <summary>Reads an archive with the default loader registry.</summary>
    public static object Load(string path) => Load(path, ModelLoaderRegistry.Default);

    /// <summary>Reads an archive and returns its root component as <typeparamref name="T"/>.</summary>
    public static T Load<T>(string path) where T : class
        => Load(path) as T ?? throw new ConceptDataException($"{path}: the model is not a {typeof(T).Name}.");

    /// <summary>
    /// Reads an archive with the given loader registry. Nothing a manifest declares is trusted
    /// before the data is checked: loaders compare declared sizes with the tensors present before
    /// allocating, and a field of the wrong type or a component that does not fit its tensors is
    /// reported as a <see cref="ConceptDataException"/> naming the archive, never as a crash.
    /// </summary>
    public static object Load(string path, ModelLoaderRegistry registry)
    {
        try { return LoadUnchecked(path, registry); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or InvalidCastException
            or OverflowException or IndexOutOfRangeException or KeyNotFoundException or NullReferenceException)
        {
            // Loaders validate what they read; this net turns anything they missed into the same
            // kind of error, attributed to the file rather than shown as a stack trace.
            throw new ConceptDataException($"{path}: the model archive is not valid ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static object LoadUnchecked(string path, ModelLoaderRegistry registry)
    {
        if (!File.Exists(path)) throw new ConceptDataException($"{path}: model file not found.");
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new ConceptDataException($"{path}: not a model archive (not a zip file: {e.Message}).", e); }
        using (zip)
        {
            var manifestEntry = zip.GetEntry(ManifestEntry) ?? throw new ConceptDataException($"{path}: not a model archive ({ManifestEntry} is missing).");
            JsonObject manifest;
            try
            {
                using var ms = manifestEntry.Open();
                manifest = JsonNode.Parse(ms) as JsonObject ?? throw new ConceptDataException($"{path}: {ManifestEntry} is not a JSON object.");
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            { throw new ConceptDataException($"{path}: {ManifestEntry} is corrupt ({e.Message}).", e); }

            if (manifest["format"]?.GetValue<string>() != "mlnc-model")
                throw new ConceptDataException($"{path}: not an MlNetConcepts model (format is '{manifest["format"]}').");
            int written = manifest["formatVersion"]?.GetValue<int>() ?? 0;
            int readableFrom = manifest["readableFromVersion"]?.GetValue<int>() ?? written;
            if (readableFrom > FormatVersion)
                throw new ConceptDataException($"{path}: model format version {written} is too new: it needs a reader of version {readableFrom} or later, and this build reads version {FormatVersion}. Upgrade MlNetConcepts.");

            var root = manifest["root"] as JsonObject ?? throw new ConceptDataException($"{path}: manifest has no root component.");
            SafeTensorsContent? Tensors(string entryPath)
            {
                var e = zip.GetEntry(entryPath + "tensors.safetensors");
                if (e is null) return null;
                if (e.Length > Array.MaxLength)
                    throw new ConceptDataException($"{path}: entry {e.FullName} declares {e.Length} bytes, more than one array can hold.");
                using var s = e.Open();
                using var buffer = new MemoryStream();
                try { s.CopyTo(buffer); }
                catch (InvalidDataException ex) { throw new ConceptDataException($"{path}: entry {e.FullName} is corrupt ({ex.Message}).", ex); }
                return SafeTensors.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), $"{path}:{e.FullName}");
            }
            return registry.LoadComponent(path, root, "model/", Tensors);
        }
    }
}
