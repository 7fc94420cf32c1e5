using MlNetConcepts.Reports;
using MlNetConcepts.Studies.Bottleneck;

namespace MlNetConcepts.Tests.Studies.Bottleneck;

[TestClass]
public sealed class ConceptBottleneckTests
{
    private const int Rows = 1500, Latents = 24, Planted = 7;

    /// <summary>
    /// Sparse codes where each concept fires on 20% of rows with a value in [0.5, 1.5), all independent;
    /// the label is whether the planted concept fires, flipped on 10% of rows. The best any classifier
    /// can do is predict "fires" (the oracle); its accuracy on the test rows is counted directly.
    /// </summary>
    private static (float[] Codes, int[] Labels) Planted10PercentNoise()
    {
        var random = new Random(5);
        var codes = new float[Rows * Latents];
        var labels = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            for (int k = 0; k < Latents; k++)
                if (random.NextDouble() < 0.2) codes[r * Latents + k] = 0.5f + (float)random.NextDouble();
            int fires = codes[r * Latents + Planted] > 0 ? 1 : 0;
            labels[r] = random.NextDouble() < 0.1 ? 1 - fires : fires;
        }
        return (codes, labels);
    }

    [TestMethod]
    public void TopOneConceptIsThePlantedOneAndReachesTheOracleAccuracy()
    {
        var (codes, labels) = Planted10PercentNoise();
        var options = new ConceptBottleneckOptions { TrainRows = 1000, TestRows = 500, MaxConcepts = 4 };
        var (_, test) = ConceptBottleneck.Split(Rows, options);
        double oracle = test.Count(r => labels[r] == (codes[r * Latents + Planted] > 0 ? 1 : 0)) / (double)test.Length;

        // Raw "activations": the codes mixed by a fixed random rotation-like matrix (still linearly decodable).
        var random = new Random(9);
        int width = 16;
        var mix = Enumerable.Range(0, Latents * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var x = new float[Rows * width];
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < Latents; k++)
                for (int j = 0; j < width; j++) x[r * width + j] += codes[r * Latents + k] * mix[k * width + j];

        var report = ConceptBottleneck.Run(x, width, codes, Latents, labels, options);
        var t = report.Table;
        CollectionAssert.AreEqual(new[] { "raw", "all_codes", "top_m", "top_m", "top_m" }, t.Strings("features"));
        CollectionAssert.AreEqual(new[] { width, Latents, 1, 2, 4 }, t.Int32s("m"));
        Assert.AreEqual(Planted.ToString(), t.Strings("concepts")[2], "the top-1 concept is the planted one");
        var accuracy = t.Doubles("accuracy");
        Console.WriteLine($"oracle {oracle:0.0000}; raw {accuracy[0]:0.0000}, all codes {accuracy[1]:0.0000}, top-1 {accuracy[2]:0.0000}");
        Assert.AreEqual(oracle, accuracy[2], 0.01, "top-1 accuracy = the planted concept's oracle");
        Assert.IsTrue(accuracy[1] >= oracle - 0.03, $"all codes ({accuracy[1]}) cannot do much worse than the planted concept alone ({oracle})");
        Assert.IsTrue(accuracy[1] <= oracle + 0.03, "no classifier beats the oracle by more than chance on 500 rows");
        Assert.AreEqual(1000, report.Parameter("train_rows"));
        Assert.AreEqual(500, report.Parameter("test_rows"));
        Assert.AreEqual(2, report.Parameter("classes"));
    }

    [TestMethod]
    public void MutualInformationMatchesTheClosedForm()
    {
        // Concept 0 fires exactly on class 1 (half the rows): I = H(y) = 1 bit. Concept 1 fires on
        // every row: 0 bits. Concept 2 fires on rows 0 and 1 (one of each class): 0 bits.
        float[] codes = [0, 1, 1, /**/ 1, 1, 1, /**/ 0, 1, 0, /**/ 1, 1, 0];
        int[] labels = [0, 1, 0, 1];
        var mi = ConceptSelection.MutualInformation(codes, 3, labels, [0, 1, 2, 3]);
        Assert.AreEqual(1.0, mi[0], 1e-12);
        Assert.AreEqual(0.0, mi[1], 1e-12);
        Assert.AreEqual(0.0, mi[2], 1e-12);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, ConceptSelection.Ranking(mi), "ties keep the lower index first");
        // Only the listed training rows count: of rows 0 and 3, concept 2 fires on the class-0 row only.
        Assert.AreEqual(1.0, ConceptSelection.MutualInformation(codes, 3, labels, [0, 3])[2], 1e-12);
    }

    [TestMethod]
    public void SplitIsFixedDisjointAndSized()
    {
        var o = new ConceptBottleneckOptions { TrainRows = 60, TestRows = 30, Seed = 4 };
        var (train, test) = ConceptBottleneck.Split(100, o);
        Assert.AreEqual(60, train.Length);
        Assert.AreEqual(30, test.Length);
        Assert.AreEqual(0, train.Intersect(test).Count());
        CollectionAssert.AreEqual(train, ConceptBottleneck.Split(100, o).Train, "the same seed gives the same split");
        var (small, rest) = ConceptBottleneck.Split(9, o);
        Assert.AreEqual(6, small.Length, "two thirds go to training when rows are short");
        Assert.AreEqual(3, rest.Length);
        CollectionAssert.AreEqual(new[] { 1, 2, 4, 8, 16, 32, 64 }, ConceptBottleneck.Sizes(64));
        CollectionAssert.AreEqual(new[] { 1, 2, 4, 5 }, ConceptBottleneck.Sizes(5));
    }

    [TestMethod]
    public void MisshapenInputsAreNamed()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ConceptBottleneck.Run(new float[10], 2, new float[12], 3, [0, 1, 0, 1]));
        StringAssert.Contains(e.Message, "activations hold 10 values, expected 4 labelled rows × 2");
    }
}
