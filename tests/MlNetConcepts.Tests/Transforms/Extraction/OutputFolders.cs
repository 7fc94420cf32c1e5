namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>Compares the folders two extraction runs wrote.</summary>
internal static class OutputFolders
{
    /// <summary>Asserts <paramref name="actual"/> holds the same files as <paramref name="expected"/>, byte for byte; returns their names in ordinal order.</summary>
    public static string[] AssertSame(string expected, string actual, string label)
    {
        var names = Names(expected);
        CollectionAssert.AreEqual(names, Names(actual), $"{label}: same files");
        foreach (var n in names)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(expected, n)), File.ReadAllBytes(Path.Combine(actual, n)), $"{label}: {n} differs");
        return names;
    }

    private static string[] Names(string dir) => Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
}
