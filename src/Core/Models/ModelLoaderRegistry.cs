using System.Text.Json.Nodes;
using MlNetConcepts.IO;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Models;

/// <summary>
/// Maps component kinds to loader functions. Registration is explicit (each component
/// assembly registers its kinds), so nothing named in a file decides which type is created.
/// </summary>
public sealed class ModelLoaderRegistry
{
    private readonly Dictionary<string, (int MaxVersion, Func<ModelLoadContext, object> Load)> _loaders = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The registry used by <see cref="ModelArchive"/> unless another is given.</summary>
    public static ModelLoaderRegistry Default { get; } = CreateDefault();

    private static ModelLoaderRegistry CreateDefault()
    {
        var r = new ModelLoaderRegistry();
        TransformerChain<IConceptTransformer>.Register(r);
        return r;
    }

    /// <summary>
    /// Registers a loader for <paramref name="kind"/> that reads layouts up to <paramref name="maxVersion"/>.
    /// Registering the same kind again replaces the loader.
    /// </summary>
    public void Register(string kind, int maxVersion, Func<ModelLoadContext, object> load)
    {
        lock (_gate) _loaders[kind] = (maxVersion, load);
    }

    /// <summary>True when a loader exists for the kind.</summary>
    public bool IsRegistered(string kind) { lock (_gate) return _loaders.ContainsKey(kind); }

    /// <summary>The registered kinds.</summary>
    public IReadOnlyList<string> Kinds { get { lock (_gate) return _loaders.Keys.Order().ToArray(); } }

    internal object LoadComponent(string source, JsonObject node, string entryPath, Func<string, SafeTensorsContent?> tensors)
    {
        string kind = node["kind"]?.GetValue<string>() ?? throw new ConceptDataException($"{source}: a component has no kind.");
        int version = node["version"]?.GetValue<int>() ?? 1;
        (int MaxVersion, Func<ModelLoadContext, object> Load) entry;
        lock (_gate)
        {
            if (!_loaders.TryGetValue(kind, out entry))
                throw new ConceptDataException($"{source}: unknown component kind '{kind}'. Known kinds: {string.Join(", ", Kinds)}. " +
                    "Reference the assembly that defines it (MlNetConcepts.Trainers, .Transforms or .Evaluators) and call its Register method.");
        }
        if (version > entry.MaxVersion)
            throw new ConceptDataException($"{source}: component '{kind}' was written with layout version {version}, newer than this build reads ({entry.MaxVersion}); upgrade MlNetConcepts.");
        var ctx = new ModelLoadContext(source, entryPath, kind, version,
            node["options"] as JsonObject ?? new JsonObject(), node["children"] as JsonObject ?? new JsonObject(), tensors, this);
        return entry.Load(ctx);
    }
}
