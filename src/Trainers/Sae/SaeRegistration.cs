using System.Runtime.CompilerServices;
using MlNetConcepts.Models;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>Registers the SAE loaders with the archive.</summary>
public static class SaeRegistration
{
    /// <summary>Registers kind "sae".</summary>
    public static void Register(ModelLoaderRegistry registry) => SaeTransformer.Register(registry);

#pragma warning disable CA2255 // a library module initializer is the documented way loaders become available
    [ModuleInitializer]
    internal static void RegisterDefault() => Register(ModelLoaderRegistry.Default);
#pragma warning restore CA2255
}
