namespace MlNetConcepts.IO;

/// <summary>
/// An output folder that appears only when the whole command succeeds: everything is written
/// into a hidden temporary folder next to the target (same file system, so moves are renames),
/// and <see cref="Commit"/> moves it into place. Disposing without <see cref="Commit"/> deletes
/// the temporary folder, so a failure leaves the target as it was.
/// <code>
/// using var output = OutputFolder.Begin(dir);
/// NpyFile.Write(output.File("centroids.npy"), …);
/// output.Commit();
/// </code>
/// When the target does not exist (or is empty) the temporary folder is renamed to it in one
/// step; otherwise each written entry replaces its namesake in the target, and other files
/// there are left alone.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    private bool _done;

    private OutputFolder(string target, string temporary)
    {
        Target = target;
        Path = temporary;
    }

    /// <summary>Starts writing outputs for <paramref name="target"/>.</summary>
    public static OutputFolder Begin(string target)
    {
        var full = System.IO.Path.GetFullPath(target);
        if (System.IO.File.Exists(full)) throw new ConceptDataException($"{target}: an output folder is needed but this is a file.");
        var parent = System.IO.Path.GetDirectoryName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar))!;
        Directory.CreateDirectory(parent);
        var name = System.IO.Path.GetFileName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var temporary = System.IO.Path.Combine(parent, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        return new OutputFolder(full.TrimEnd(System.IO.Path.DirectorySeparatorChar), temporary);
    }

    /// <summary>The folder the outputs will end up in.</summary>
    public string Target { get; }

    /// <summary>The temporary folder to write into until <see cref="Commit"/>.</summary>
    public string Path { get; }

    /// <summary>Where to write <paramref name="relative"/> now (inside the temporary folder).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Moves the outputs into the target folder.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (Directory.Exists(Target) && !Directory.EnumerateFileSystemEntries(Target).Any()) Directory.Delete(Target);
        if (!Directory.Exists(Target))
        {
            Directory.Move(Path, Target);
            _done = true;
            return;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path))
        {
            var destination = System.IO.Path.Combine(Target, System.IO.Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
                else if (System.IO.File.Exists(destination)) System.IO.File.Delete(destination);
                Directory.Move(entry, destination);
            }
            else
            {
                if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
                System.IO.File.Move(entry, destination, overwrite: true);
            }
        }
        Directory.Delete(Path, recursive: true);
        _done = true;
    }

    /// <summary>Deletes the temporary folder unless the outputs were committed.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: the original error matters more */ }
        catch (UnauthorizedAccessException) { /* same */ }
    }
}
