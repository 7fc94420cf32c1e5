using Microsoft.ML;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Core.Views;

/// <summary>Helpers of the ML.NET "workout" tests: read columns back, save and load in a fresh MLContext.</summary>
internal static class Workout
{
    /// <summary>A float vector column of any view, densified, row-major.</summary>
    public static float[] Dense(IDataView view, string column) => RowBlockReader.ReadMatrix(view, column, out _, out _);

    /// <summary>Saves <paramref name="model"/> with <c>mlContext.Model.Save</c> and loads it in a fresh MLContext.</summary>
    public static ITransformer SaveAndLoad(ITransformer model, DataViewSchema inputSchema)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnc-workout-{Guid.NewGuid():N}.zip");
        try
        {
            new MLContext(seed: 1).Model.Save(model, inputSchema, path);
            return new MLContext(seed: 2).Model.Load(path, out _);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Asserts two arrays agree within <paramref name="tolerance"/> × (1 + |expected|).</summary>
    public static void Close(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int q = 0; q < expected.Length; q++)
            Assert.AreEqual(expected[q], actual[q], tolerance * (1 + Math.Abs(expected[q])), $"{what}: value {q}");
    }
}
