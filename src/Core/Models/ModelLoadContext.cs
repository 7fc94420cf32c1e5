using System.Text.Json.Nodes;
using MlNetConcepts.IO;

namespace MlNetConcepts.Models;

/// <summary>Gives a loader one component's options, tensors and children.</summary>
public sealed class ModelLoadContext
{
    private readonly Func<string, SafeTensorsContent?> _tensors;
    private readonly JsonObject _children;
    private readonly ModelLoaderRegistry _registry;
    private SafeTensorsContent? _content;
    private bool _loaded;

    internal ModelLoadContext(string source, string entryPath, string kind, int version, JsonObject options, JsonObject children,
        Func<string, SafeTensorsContent?> tensors, ModelLoaderRegistry registry)
    {
        Source = source;
        EntryPath = entryPath;
        Kind = kind;
        ComponentVersion = version;
        Options = options;
        _children = children;
        _tensors = tensors;
        _registry = registry;
    }

    /// <summary>The archive file, for error messages.</summary>
    public string Source { get; }
    internal string EntryPath { get; }
    /// <summary>The component kind.</summary>
    public string Kind { get; }
    /// <summary>Layout version the component was written with.</summary>
    public int ComponentVersion { get; }
    /// <summary>The options the component saved.</summary>
    public JsonObject Options { get; }

    /// <summary>An option that must be present and of type <typeparamref name="T"/>; a clear error naming the archive when it is not.</summary>
    public T Option<T>(string key)
    {
        if (Options[key] is not JsonNode n) throw new ConceptDataException($"{Source}: component '{Kind}' lacks option '{key}'.");
        try { return n.GetValue<T>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ConceptDataException($"{Source}: option '{key}' of component '{Kind}' is {n.ToJsonString()}, not a {typeof(T).Name}.", e);
        }
    }

    /// <summary>
    /// A size option (a count of rows, columns, latents…): an integer of at least 1. Loaders
    /// check the tensors against it before allocating anything from it, so a manifest cannot make
    /// them allocate more than the data it comes with.
    /// </summary>
    public int Size(string key)
    {
        long v = Option<long>(key);
        if (v < 1 || v > Array.MaxLength)
            throw new ConceptDataException($"{Source}: option '{key}' of component '{Kind}' is {v}; a size must be between 1 and {Array.MaxLength}.");
        return (int)v;
    }

    /// <summary>A stored tensor; a clear error when missing.</summary>
    public NdArray Tensor(string name)
    {
        if (!_loaded) { _content = _tensors(EntryPath); _loaded = true; }
        if (_content is null || !_content.Tensors.TryGetValue(name, out var t))
            throw new ConceptDataException($"{Source}: component '{Kind}' lacks tensor '{name}'.");
        return t;
    }

    /// <summary>True when the component stored a tensor of that name.</summary>
    public bool HasTensor(string name)
    {
        if (!_loaded) { _content = _tensors(EntryPath); _loaded = true; }
        return _content?.Tensors.ContainsKey(name) == true;
    }

    /// <summary>
    /// A stored tensor as float32, checked against an expected shape (null entries are free)
    /// before anything is copied, so a size a manifest declares never outruns the data present.
    /// </summary>
    public float[] Floats(string name, params long?[] shape)
    {
        var t = Tensor(name);
        if (shape.Length > 0 && (t.Rank != shape.Length || shape.Where((d, i) => d is long v && t.Shape[i] != v).Any()))
            throw new ConceptDataException($"{Source}: tensor '{name}' of component '{Kind}' has shape {t.ShapeText}, expected ({string.Join(", ", shape.Select(d => d?.ToString() ?? "?"))}).");
        return t.ToFloat32();
    }

    /// <summary>Number of nested components saved with this one.</summary>
    public int ChildCount => _children.Count;

    /// <summary>Loads a nested component saved with <see cref="ModelSaveContext.SaveChild"/>.</summary>
    public object LoadChild(string key)
    {
        if (_children[key] is not JsonObject node) throw new ConceptDataException($"{Source}: component '{Kind}' lacks child '{key}'.");
        return _registry.LoadComponent(Source, node, $"{EntryPath}{key}/", _tensors);
    }
}
