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
    /// Path of the ONNX Runtime library (file or folder); null: <see cref="OrtLibraryLocator"/>
    /// searches. A process loads one ONNX Runtime: the first session's choice holds for all later ones.
    /// </summary>
    public string? LibraryPath { get; init; }
}
