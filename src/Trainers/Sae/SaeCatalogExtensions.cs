using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>SAE verbs on <see cref="SaeCatalog"/> (ML.NET style: <c>context.Sae.BatchTopK(...)</c>).</summary>
public static class SaeCatalogExtensions
{
    /// <summary>An SAE trainer with any options.</summary>
    public static SparseAutoencoderTrainer Train(this SaeCatalog catalog, SaeOptions options) => new(catalog.Context, options);
    /// <summary>ReLU + weighted L1.</summary>
    public static SparseAutoencoderTrainer Relu(this SaeCatalog catalog, SaeOptions? options = null) => catalog.Train((options ?? new()) with { Architecture = "relu" });
    /// <summary>TopK.</summary>
    public static SparseAutoencoderTrainer TopK(this SaeCatalog catalog, SaeOptions? options = null) => catalog.Train((options ?? new()) with { Architecture = "topk" });
    /// <summary>BatchTopK.</summary>
    public static SparseAutoencoderTrainer BatchTopK(this SaeCatalog catalog, SaeOptions? options = null) => catalog.Train((options ?? new()) with { Architecture = "batchtopk" });
    /// <summary>JumpReLU.</summary>
    public static SparseAutoencoderTrainer JumpRelu(this SaeCatalog catalog, SaeOptions? options = null) => catalog.Train((options ?? new()) with { Architecture = "jumprelu" });
    /// <summary>Matryoshka BatchTopK.</summary>
    public static SparseAutoencoderTrainer Matryoshka(this SaeCatalog catalog, SaeOptions? options = null) => catalog.Train((options ?? new()) with { Architecture = "matryoshka" });
}
