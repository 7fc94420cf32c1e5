using MlNetConcepts.Pipeline;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>Catalog verbs of the activation extractor (ML.NET style: <c>context.Transforms.ExtractActivations(...)</c>).</summary>
public static class ActivationExtractorCatalog
{
    /// <summary>Extracts activations of images whose paths are in <paramref name="imagePathColumn"/>.</summary>
    public static ActivationExtractorTransformer ExtractImageActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string imagePathColumn, ImagePreprocessor preprocessor, IReadOnlyList<string>? outputColumns = null)
        => new(options with { Seed = catalog.Context.DeriveSeed(17) }, imagePathColumn, preprocessor, null, outputColumns);

    /// <summary>Extracts activations of the texts in <paramref name="textColumn"/>.</summary>
    public static ActivationExtractorTransformer ExtractTextActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string textColumn, ITextTokenizer tokenizer, IReadOnlyList<string>? outputColumns = null)
        => new(options with { Seed = catalog.Context.DeriveSeed(17) }, textColumn, null, tokenizer, outputColumns);
}
