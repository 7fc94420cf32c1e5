using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Evaluators;

/// <summary>Loads the numpy oracle fixtures written by tools/fixtures/eval.py.</summary>
internal static class EvalFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Evaluators", name + ".npy");

    public static NdArray Array(string name) => NpyFile.Read(PathOf(name));

    public static DenseMatrix Matrix(string name) => DenseMatrix.FromNdArray(Array(name), name);

    public static double[] Doubles(string name) => Array(name).ToFloat64();

    public static long[] Longs(string name) => Array(name).ToInt64();

    /// <summary>Asserts equal values within a tolerance, NaN matching NaN only.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Count, actual.Count, $"{what}: length");
        for (int i = 0; i < expected.Count; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.IsTrue(double.IsNaN(actual[i]), $"{what}[{i}]: expected NaN, got {actual[i]}");
                continue;
            }
            Assert.AreEqual(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>A random matrix with values in [lo, hi).</summary>
    public static DenseMatrix Random(int rows, int cols, int seed, string name, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        var data = new float[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return DenseMatrix.Create(data, rows, cols, name);
    }
}
