using Microsoft.ML;
using MlNetConcepts.Transforms.Images;
using MlNetConcepts.Transforms.Text;

namespace MlNetConcepts.Transforms.Extraction;

/// <summary>The activation extractor verb on ML.NET's <see cref="TransformsCatalog"/>: <c>mlContext.Transforms.ExtractActivations(…)</c>.</summary>
public static class ActivationExtractorCatalog
{
    /// <summary>Extracts activations of the images whose paths are in the text column <paramref name="imagePathColumnName"/>.</summary>
    public static ActivationExtractorTransformer ExtractActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string imagePathColumnName,
        ImagePreprocessor preprocessor, IReadOnlyList<string>? outputColumnNames = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(options, imagePathColumnName, preprocessor, null, outputColumnNames);
    }

    /// <summary>Extracts activations of the texts in the text column <paramref name="textColumnName"/>.</summary>
    public static ActivationExtractorTransformer ExtractActivations(this TransformsCatalog catalog, ActivationExtractorOptions options, string textColumnName,
        ITextTokenizer tokenizer, IReadOnlyList<string>? outputColumnNames = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(options, textColumnName, null, tokenizer, outputColumnNames);
    }
}
