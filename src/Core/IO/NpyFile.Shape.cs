namespace MlNetConcepts.IO;

public static partial class NpyFile
{
    /// <summary>
    /// Reads only the header of a <c>.npy</c> file: its element type and shape, and checks that the
    /// file is long enough for them. Lets callers validate inputs before any long computation.
    /// </summary>
    public static (NdType Type, long[] Shape) ReadShape(string path)
    {
        using var s = OpenRead(path);
        var h = NpyHeader.Parse(s, path);
        h.CheckDataLength(s.Length - s.Position, path, exact: false);
        return (h.Type, h.Shape);
    }
}
