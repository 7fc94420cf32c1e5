using MlNetConcepts.Models;
using MlNetConcepts.Transforms.Extraction;

namespace MlNetConcepts.Transforms;

/// <summary>Registers the loaders of this assembly's savable components.</summary>
public static class TransformsModelLoaders
{
    /// <summary>Registers every loader with <paramref name="registry"/>.</summary>
    public static void Register(ModelLoaderRegistry registry)
    {
        if (!registry.IsRegistered(ActivationExtractorTransformer.Kind))
            registry.Register(ActivationExtractorTransformer.Kind, 1, ActivationExtractorTransformer.Load);
    }

    /// <summary>Registers with the default registry as soon as the assembly loads.</summary>
    // The project's rule: loaders register when the assembly loads, so ModelArchive.Load works
    // without an explicit call; CA2255 warns that module initialisers are for such advanced cases.
#pragma warning disable CA2255
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Register(ModelLoaderRegistry.Default);
}
