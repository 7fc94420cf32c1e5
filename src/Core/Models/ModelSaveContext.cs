using System.Text.Json.Nodes;
using MlNetConcepts.IO;

namespace MlNetConcepts.Models;

/// <summary>Collects one component's options, tensors and children while it is saved.</summary>
public sealed class ModelSaveContext
{
    internal ModelSaveContext(string path, int componentVersion)
    {
        EntryPath = path;
        ComponentVersion = componentVersion;
    }

    internal string EntryPath { get; }
    internal Dictionary<string, NdArray> TensorMap { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, (string Kind, ModelSaveContext Context)> Children { get; } = new(StringComparer.Ordinal);

    /// <summary>Version of the component's own layout; its loader sees it and can read older layouts.</summary>
    public int ComponentVersion { get; set; }

    /// <summary>The component's options (hyper-parameters, names), stored in the manifest.</summary>
    public JsonObject Options { get; } = new();

    /// <summary>Stores a float32 tensor with the given shape.</summary>
    public void AddTensor(string name, float[] data, params long[] shape) => Add(name, NdArray.FromFloats(data, shape));

    /// <summary>Stores an int64 tensor with the given shape.</summary>
    public void AddTensor(string name, long[] data, params long[] shape) => Add(name, NdArray.FromInt64s(data, shape));

    /// <summary>Stores an int32 tensor with the given shape.</summary>
    public void AddTensor(string name, int[] data, params long[] shape) => Add(name, NdArray.FromInt32s(data, shape));

    private void Add(string name, NdArray t)
    {
        if (!TensorMap.TryAdd(name, t)) throw new ArgumentException($"Tensor '{name}' was added twice.", nameof(name));
    }

    /// <summary>Saves a nested component (e.g. a chain step) under a key unique within this component.</summary>
    public void SaveChild(string key, ISavableComponent child)
    {
        var ctx = new ModelSaveContext($"{EntryPath}{key}/", 1);
        child.Save(ctx);
        if (!Children.TryAdd(key, (child.ComponentKind, ctx))) throw new ArgumentException($"Child '{key}' was saved twice.", nameof(key));
    }
}
