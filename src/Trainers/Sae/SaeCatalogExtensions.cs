using Microsoft.ML;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// The SAE verb on ML.NET's <see cref="TransformsCatalog"/>, beside ML.NET's own PCA: one verb, the architecture
/// (relu, topk, batchtopk, jumprelu, matryoshka or any registered in <see cref="SaeVariants"/>) an option.
/// </summary>
public static class SaeCatalogExtensions
{
    /// <summary>
    /// A sparse autoencoder of <paramref name="architecture"/> with <paramref name="latents"/> latents (default: 8 × the
    /// input width) keeping <paramref name="k"/> latents per row (the k-based variants), trained on the float vector column
    /// <paramref name="inputColumnName"/>; the fitted transformer adds the sparse codes as <paramref name="outputColumnName"/>.
    /// </summary>
    public static SparseAutoencoderTrainer SparseAutoencoder(this TransformsCatalog catalog, string outputColumnName = "Concepts", string inputColumnName = "Features",
        string architecture = "topk", int? latents = null, int k = 32, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SparseAutoencoderTrainer(new SaeOptions
        {
            OutputColumn = outputColumnName, InputColumn = inputColumnName, Architecture = architecture, Latents = latents, K = k, Seed = seed,
        });
    }

    /// <summary>A sparse autoencoder with every setting of <see cref="SaeOptions"/>.</summary>
    public static SparseAutoencoderTrainer SparseAutoencoder(this TransformsCatalog catalog, SaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SparseAutoencoderTrainer(options);
    }
}
