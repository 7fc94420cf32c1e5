using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class UniquenessTests
{
    [TestMethod]
    public void InvertedIndexCountsMatchNumpyAllPairs()
    {
        var r = Uniqueness.Report(EvalFixtures.Matrix("U"));
        var counts = EvalFixtures.Longs("uniq_counts");
        Assert.AreEqual(counts[0].ToString(), r.ParameterText("pairs_jaccard_positive"));
        Assert.AreEqual(counts[1].ToString(), r.ParameterText("pairs_jaccard_over_half"));
        EvalFixtures.AssertClose(EvalFixtures.Doubles("uniq_max"), r.Table.Doubles("max_jaccard"), 1e-12, "max jaccard");
        Assert.AreEqual(1, r.Table.Int32s("most_similar")[0], "neuron 1 is neuron 0 doubled");
        Assert.AreEqual(0, r.Table.Int32s("set_size")[2]);
        Assert.AreEqual(3, r.Table.Int32s("set_size")[3]);
    }

    [TestMethod]
    public void MatchesAllPairsReferenceOnRandomCodes()
    {
        var rng = new Random(5);
        var data = Enumerable.Range(0, 200 * 30).Select(_ => rng.NextDouble() < 0.15 ? (float)rng.Next(1, 4) : 0f).ToArray();
        var m = DenseMatrix.Create(data, 200, 30, "z");
        var r = Uniqueness.Report(m, 8);
        var sets = Enumerable.Range(0, 30).Select(c => TopNReference.RowsOf(m, c, 8, 0f).ToHashSet()).ToArray();
        long pos = 0, half = 0;
        for (int a = 0; a < 30; a++)
        {
            double best = sets[a].Count == 0 ? double.NaN : 0;
            for (int b = 0; b < 30; b++)
            {
                if (a == b || sets[a].Count == 0 || sets[b].Count == 0) continue;
                double j = (double)sets[a].Intersect(sets[b]).Count() / sets[a].Union(sets[b]).Count();
                best = Math.Max(best, j);
                if (b > a) { if (j > 0) pos++; if (j > 0.5) half++; }
            }
            if (double.IsNaN(best)) Assert.IsTrue(double.IsNaN(r.Table.Doubles("max_jaccard")[a]));
            else Assert.AreEqual(best, r.Table.Doubles("max_jaccard")[a], 1e-12);
        }
        Assert.AreEqual(pos.ToString(), r.ParameterText("pairs_jaccard_positive"));
        Assert.AreEqual(half.ToString(), r.ParameterText("pairs_jaccard_over_half"));
    }
}
