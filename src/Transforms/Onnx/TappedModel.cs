namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// A model opened with extra graph outputs so intermediate tensors can be fetched: the tap
/// specifications are resolved (<see cref="LayerTaps.Resolve"/>), appended to the graph in
/// memory, and the session created from the edited bytes. External data files are found
/// through the model's folder.
/// </summary>
public sealed class TappedModel : IDisposable
{
    /// <summary>Opens <paramref name="modelPath"/> with <paramref name="taps"/> reachable as outputs.</summary>
    public TappedModel(string modelPath, IReadOnlyList<string> taps, OnnxSessionOptions? options = null)
    {
        Path = modelPath;
        Graph = OnnxGraph.Read(modelPath, out var bytes);
        Tensors = taps.Select(t => LayerTaps.Resolve(Graph, t, modelPath)).ToArray();
        var edited = Graph.WithOutputs(bytes, Tensors);
        options ??= new OnnxSessionOptions();
        if (options.ExternalDataFolder == null)
            options = options with { ExternalDataFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(modelPath)) };
        Session = new OnnxSession(edited, modelPath, options);
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>The parsed graph (before editing).</summary>
    public OnnxGraph Graph { get; }
    /// <summary>The resolved tensor name of each tap, in request order.</summary>
    public IReadOnlyList<string> Tensors { get; }
    /// <summary>The session over the edited model.</summary>
    public OnnxSession Session { get; }

    /// <summary>Releases the session.</summary>
    public void Dispose() => Session.Dispose();
}
