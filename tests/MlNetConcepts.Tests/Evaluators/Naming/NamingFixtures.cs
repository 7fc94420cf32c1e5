using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;

namespace MlNetConcepts.Tests.Evaluators.Naming;

/// <summary>Loads the numpy oracle fixtures written by tools/fixtures/naming.py.</summary>
internal static class NamingFixtures
{
    public static NdArray Array(string name) => NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Naming", name + ".npy"));

    public static DenseMatrix Matrix(string name) => DenseMatrix.FromNdArray(Array(name), name);

    public static double[] Doubles(string name) => Array(name).ToFloat64();

    public static int[] Ints(string name) => Array(name).ToInt32();
}
