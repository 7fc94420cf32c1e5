using MlNetConcepts.Studies.ResNet18;

namespace MlNetConcepts.Tests.Studies.ResNet18;

/// <summary>
/// The linear probe (ML.NET's LbfgsMaximumEntropy): closed-form expectations on synthetic data
/// (classes a linear rule separates with a margin: every held-out row right; labels independent
/// of the rows: about chance), the split, and bad input.
/// </summary>
[TestClass]
public sealed class LinearProbeTests
{
    private static (float[] X, int[] Y) Data(int n, int width, int classes, bool informative, int seed)
    {
        var random = new Random(seed);
        var x = new float[n * width];
        var y = new int[n];
        for (int r = 0; r < n; r++)
        {
            y[r] = random.Next(classes);
            for (int d = 0; d < width; d++) x[r * width + d] = (float)(random.NextDouble() - 0.5);
            // Informative: class c adds 3 to feature c, far beyond the noise of ±0.5.
            if (informative) x[r * width + y[r]] += 3f;
        }
        if (!informative) y = y.Select(_ => random.Next(classes)).ToArray();
        return (x, y);
    }

    [TestMethod]
    public void SeparableClassesAreReadPerfectly()
    {
        var (x, y) = Data(400, 6, 4, informative: true, seed: 3);
        Assert.AreEqual(1.0, LinearProbe.Accuracy(x, 6, y), 1e-12);
    }

    [TestMethod]
    public void LabelsIndependentOfTheRowsGiveAboutChance()
    {
        var (x, y) = Data(2000, 6, 4, informative: false, seed: 4);
        double accuracy = LinearProbe.Accuracy(x, 6, y);
        // 500 held-out rows, chance 0.25: the standard error is about 0.02.
        Assert.IsTrue(accuracy is > 0.17 and < 0.33, $"accuracy {accuracy:F3}");
    }

    [TestMethod]
    public void TheTableHasOneRowPerLayerWithTheSplitSizes()
    {
        var (x, y) = Data(402, 6, 4, informative: true, seed: 5);
        var table = LinearProbe.Table([("a", x, 6), ("b", x.Select(v => -v).ToArray(), 6)], y);
        Assert.AreEqual(2L, table.Rows.Count);
        CollectionAssert.AreEqual(new[] { "layer", "width", "train_rows", "test_rows", "accuracy" }, table.Columns.Select(c => c.Name).ToArray());
        Assert.AreEqual("b", table.Columns["layer"][1]);
        Assert.AreEqual(100, table.Columns["test_rows"][0]); // rows 3, 7, …, 399
        Assert.AreEqual(302, table.Columns["train_rows"][0]);
        Assert.AreEqual(1.0, (double)table.Columns["accuracy"][1]!, 1e-12);
    }

    [TestMethod]
    public void BadInputIsNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => LinearProbe.Accuracy(new float[10], 3, new int[4])).Message, "are not 4 rows of width 3");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => LinearProbe.Accuracy(new float[4], 1, new int[4])).Message, "too few");
        StringAssert.Contains(Assert.ThrowsExactly<ConceptDataException>(() => LinearProbe.Accuracy(new float[8], 1, [0, 1, 0, 1, 0, 1, 0, -1])).Message, "labels");
    }
}
