using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Evaluators.Layout;

/// <summary>Fixtures written by tools/fixtures/layout.py (scikit-learn and scipy), and synthetic groups.</summary>
internal static class LayoutFixtures
{
    public static NdArray Array(string name) => NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Layout", name + ".npy"));

    /// <summary>
    /// <paramref name="groups"/> Gaussian groups of <paramref name="perGroup"/> rows in <paramref name="dims"/>
    /// dimensions: centres drawn with standard deviation <paramref name="spread"/>, unit noise around them.
    /// </summary>
    public static (float[] X, int[] Labels) Groups(int groups, int perGroup, int dims, double spread, int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var centres = new double[groups * dims];
        for (int i = 0; i < centres.Length; i++) centres[i] = spread * Normal();
        var x = new float[groups * perGroup * dims];
        var labels = new int[groups * perGroup];
        for (int r = 0; r < labels.Length; r++)
        {
            labels[r] = r % groups;
            for (int c = 0; c < dims; c++) x[r * dims + c] = (float)(centres[labels[r] * dims + c] + Normal());
        }
        return (x, labels);
    }
}
