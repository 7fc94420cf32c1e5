using System.Runtime.CompilerServices;
using MlNetConcepts.Models;

namespace MlNetConcepts.Trainers.Clustering;

/// <summary>Registers the clustering model loaders.</summary>
public static class ClusteringModule
{
    /// <summary>Registers the loader of <see cref="ClusteringTransformer"/> (layout version 1).</summary>
    public static void Register(ModelLoaderRegistry registry)
        => registry.Register(ClusteringTransformer.Kind, 1, ClusteringTransformer.Load);

#pragma warning disable CA2255 // registering loaders when the assembly loads is the intended use
    [ModuleInitializer]
    internal static void RegisterDefault() => Register(ModelLoaderRegistry.Default);
#pragma warning restore CA2255
}
