using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Transforms;

/// <summary>Paths and comparisons for the fixtures made by tools/fixtures/ort_*.py.</summary>
internal static class OrtFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Ort", name);

    public static NdArray Npy(string name) => NpyFile.Read(Path(name));

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.AreEqual(a.Length, b.Length, "lengths differ");
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }

    public static string TempDir()
    {
        var d = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnc-ort-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
