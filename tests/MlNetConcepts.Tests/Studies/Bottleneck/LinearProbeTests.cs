using MlNetConcepts.IO;
using MlNetConcepts.Studies.Bottleneck;

namespace MlNetConcepts.Tests.Studies.Bottleneck;

[TestClass]
public sealed class LinearProbeTests
{
    private static NdArray Fixture(string name) => NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Bottleneck", name + ".npy"));

    /// <summary>
    /// ML.NET's L-BFGS maximum entropy against scikit-learn's LogisticRegression (C = 1, L-BFGS) on the
    /// same rows and the same scaling (tools/fixtures/bottleneck.py). The objectives agree up to
    /// solver and stopping rule, so the test accuracies must agree within 2 points (of 500 test rows).
    /// </summary>
    [TestMethod]
    public void AccuracyAgreesWithScikitLearn()
    {
        var trainX = Fixture("x_train"); var testX = Fixture("x_test");
        int width = (int)trainX.Shape[1];
        double accuracy = LinearProbe.Accuracy(trainX.ToFloat32(), Fixture("y_train").ToInt32(), testX.ToFloat32(), Fixture("y_test").ToInt32(), width);
        double sklearn = Fixture("accuracy").ToFloat64()[0];
        Console.WriteLine($"ML.NET {accuracy:0.0000}, scikit-learn {sklearn:0.0000}");
        Assert.AreEqual(sklearn, accuracy, 0.02);
    }

    [TestMethod]
    public void ScalesArePopulationStandardDeviationsAndOneForConstantColumns()
    {
        // Columns: [1, 3, 5, 7] (mean 4, population variance 5) and a constant 2.
        float[] x = [1, 2, 3, 2, 5, 2, 7, 2];
        var s = LinearProbe.Scales(x, 4, 2);
        Assert.AreEqual(Math.Sqrt(5), s[0], 1e-12);
        Assert.AreEqual(1.0, s[1]);
    }

    [TestMethod]
    public void BadInputIsNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => LinearProbe.Accuracy([1, 2, 3], [0, 1], [1, 2], [0, 1], 2)).Message, "training features hold 3 values, expected 2 rows × 2");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => LinearProbe.Accuracy([1, 2], [0, 1], [1, float.NaN], [0, 1], 1)).Message, "test value NaN at row 1, column 0");
    }
}
