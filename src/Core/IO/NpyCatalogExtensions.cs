using MlNetConcepts.Data;
using MlNetConcepts.IO;

// In the catalog's namespace so the verb shows up wherever ConceptContext is used, as ML.NET's
// loader extensions do.
namespace MlNetConcepts.Pipeline;

/// <summary>Loading verbs for array files on <see cref="DataCatalog"/>.</summary>
public static class NpyCatalogExtensions
{
    /// <summary>
    /// A view with one dense float vector column over a 2-D <c>.npy</c> matrix (a 1-D array is one
    /// column of width 1). With <paramref name="memoryMap"/> (the default) the file must hold
    /// float32 and is read a block at a time through a memory mapping, so it may be larger than
    /// memory; the returned view is then an <see cref="NpyView"/>, which unmaps on Dispose.
    /// Without it the whole file is read and converted to float32 (any numeric dtype).
    /// </summary>
    public static IConceptView LoadNpy(this DataCatalog catalog, string path, string column = "Features", bool memoryMap = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (memoryMap) return new NpyView(path, column);
        var data = NpyFile.ReadMatrix(path, out _, out int cols);
        return InMemoryView.FromMatrix(column, data, cols);
    }
}
