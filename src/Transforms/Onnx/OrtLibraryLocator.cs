namespace MlNetConcepts.Transforms.Onnx;

/// <summary>
/// Finds <c>libonnxruntime.so.1</c> (or the platform's equivalent): an explicit path, then the
/// environment variable <see cref="EnvironmentVariable"/>, then the project-local folder
/// <c>.native/onnxruntime</c> that <c>./run.sh setup</c> fills, searched upward from the
/// application's base directory and the current directory.
/// </summary>
public static class OrtLibraryLocator
{
    /// <summary>Environment variable naming the library file or a folder that holds it
    /// (for example the <c>runtimes/linux-x64/native</c> folder of Microsoft's NuGet package).</summary>
    public const string EnvironmentVariable = "MLNC_ORT_LIBRARY";

    /// <summary>Folder, relative to the repository root, where the setup script puts the library.</summary>
    public const string ProjectFolder = ".native/onnxruntime";

    /// <summary>File names the library goes by, most specific first.</summary>
    public static IReadOnlyList<string> FileNames { get; } = OperatingSystem.IsWindows()
        ? ["onnxruntime.dll"]
        : OperatingSystem.IsMacOS() ? ["libonnxruntime.dylib", "libonnxruntime.1.dylib"] : ["libonnxruntime.so.1", "libonnxruntime.so"];

    /// <summary>
    /// Returns the full path of the library, or throws a <see cref="ConceptDataException"/> that
    /// lists where it looked and says how to install it.
    /// </summary>
    public static string Locate(string? explicitPath = null)
    {
        var tried = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Resolve(explicitPath, "the given path", tried)
                ?? throw NotFound(tried);
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
            return Resolve(env, EnvironmentVariable, tried) ?? throw NotFound(tried);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var hit = InFolder(Path.Combine(dir.FullName, ProjectFolder));
                if (hit != null) return hit;
            }
            tried.Add($"{ProjectFolder} in {start} and its parents");
        }
        throw NotFound(tried);
    }

    private static string? Resolve(string path, string origin, List<string> tried)
    {
        var full = Path.GetFullPath(path);
        tried.Add($"{full} ({origin})");
        if (File.Exists(full)) return full;
        return Directory.Exists(full) ? InFolder(full) : null;
    }

    private static string? InFolder(string folder)
    {
        foreach (var name in FileNames)
        {
            var p = Path.Combine(folder, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static ConceptDataException NotFound(List<string> tried) => new(
        $"ONNX Runtime library ({string.Join(" or ", FileNames)}) not found; looked in: {string.Join("; ", tried)}. " +
        $"Run './run.sh setup' to install it into {ProjectFolder}, or set {EnvironmentVariable} to the library file or its folder.");
}
