namespace MlNetConcepts.Transforms.Onnx;

/// <summary>Graph optimisation levels of ONNX Runtime (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxOptimizationLevel
{
    /// <summary>No graph optimisation.</summary>
    None = 0,
    /// <summary>Constant folding and redundant-node removal.</summary>
    Basic = 1,
    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,
    /// <summary>Everything, including layout optimisations.</summary>
    All = 99,
}

/// <summary>Options for an <see cref="OnnxSession"/>.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Threads of the session's intra-op pool; 0 lets ORT choose (the physical cores).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Graph optimisation level. Extra graph outputs survive every level.</summary>
    public OnnxOptimizationLevel OptimizationLevel { get; init; } = OnnxOptimizationLevel.All;

    /// <summary>
    /// Whether idle pool threads busy-wait for work. Off by default: a library should not burn
    /// cores between calls, and on this kind of machine spinning measured no faster.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Folder where external initializer files (<c>.data</c>) live, needed when a model with
    /// external data is loaded from bytes (ORT otherwise resolves them against the current directory).
    /// </summary>
    public string? ExternalDataFolder { get; init; }

    /// <summary>
    /// Execution provider that runs the model: <c>CPU</c> (the default), <c>CUDA</c>, or another
    /// name ONNX Runtime's <c>AppendExecutionProvider</c> accepts (e.g. <c>XNNPACK</c>). Nodes the
    /// provider cannot run fall back to the CPU. A provider the loaded ONNX Runtime was not built
    /// with is an error that lists the ones it has (<see cref="OnnxSession.AvailableProviders"/>).
    /// </summary>
    public string ExecutionProvider { get; init; } = "CPU";

    /// <summary>Device of <see cref="ExecutionProvider"/> when it is a GPU (CUDA device id).</summary>
    public int DeviceId { get; init; }

    /// <summary>Provider-specific settings passed to <c>AppendExecutionProvider</c> (not used for CPU and CUDA).</summary>
    public IReadOnlyDictionary<string, string>? ProviderOptions { get; init; }
}
