using MlNetConcepts.Evaluators.Layout;

namespace MlNetConcepts.Tests.Evaluators.Layout;

[TestClass]
public sealed class UmapTests
{
    [TestMethod]
    public void CurveParametersEqualScipysFit()
    {
        var rows = LayoutFixtures.Array("curve").ToFloat64();
        for (int r = 0; r < rows.Length / 4; r++)
        {
            var (a, b) = UmapCurve.Fit(rows[4 * r], rows[4 * r + 1]);
            Assert.AreEqual(rows[4 * r + 2], a, 1e-4 * rows[4 * r + 2], $"a for min_dist {rows[4 * r]}, spread {rows[4 * r + 1]}");
            Assert.AreEqual(rows[4 * r + 3], b, 1e-4 * rows[4 * r + 3], $"b for min_dist {rows[4 * r]}, spread {rows[4 * r + 1]}");
        }
    }

    [TestMethod]
    [DataRow(LayoutMetric.Euclidean)]
    [DataRow(LayoutMetric.Cosine)]
    public void LayoutOfTenGaussianGroupsIsTrustworthyAndKeepsTheGroups(LayoutMetric metric)
    {
        int groups = 10, per = 40, d = 32;
        var (x, labels) = LayoutFixtures.Groups(groups, per, d, 1.5, seed: 5);
        int n = groups * per;
        var y = Umap.Fit(x, n, d, new UmapOptions { Metric = metric, Seed = 3 });
        double t = Trustworthiness.Compute(x, n, d, y, 2, 5, metric);
        Assert.IsGreaterThanOrEqualTo(0.9, t, $"trustworthiness (k = 5) {t}");
        // The groups stay apart: a point's nearest layout neighbour is of its own group.
        int agree = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double bestD = double.MaxValue;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], dd = dx * dx + dy * dy;
                if (dd < bestD) { bestD = dd; best = j; }
            }
            if (labels[best] == labels[i]) agree++;
        }
        Assert.IsGreaterThanOrEqualTo(0.95, agree / (double)n, $"1-NN group agreement in the layout {agree}/{n}");
    }

    [TestMethod]
    public void SameSeedGivesTheSameLayoutAndAnotherSeedAnother()
    {
        var (x, _) = LayoutFixtures.Groups(4, 30, 8, 2, seed: 2);
        var a = Umap.Fit(x, 120, 8, new UmapOptions { Seed = 7, Epochs = 100 });
        var b = Umap.Fit(x, 120, 8, new UmapOptions { Seed = 7, Epochs = 100 });
        var c = Umap.Fit(x, 120, 8, new UmapOptions { Seed = 8, Epochs = 100 });
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    public void RejectsBadOptionsByName()
    {
        var x = new float[40];
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Umap.Fit(x, 10, 4, new UmapOptions { Neighbors = 1 }));
        StringAssert.Contains(ex.Message, "Neighbors must be at least 2");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Umap.Fit(x, 10, 4, new UmapOptions { MinDist = 2, Spread = 1 }));
        StringAssert.Contains(ex.Message, "minDist must be between 0 and spread");
    }
}
