using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class BridgeTests
{
    [TestMethod]
    public void TopPairsMatchNumpy()
    {
        var r = Bridge.TopPairs(EvalFixtures.Matrix("ZI"), EvalFixtures.Matrix("ZT"), EvalFixtures.Matrix("DBR"), 25);
        var expected = EvalFixtures.Array("bridge_top");
        var e = expected.ToFloat64();
        Assert.AreEqual(25, r.Table.Rows.Count);
        for (int row = 0; row < 25; row++)
        {
            Assert.AreEqual((int)e[row * 5], r.Table.Int32s("i")[row], $"i of row {row}");
            Assert.AreEqual((int)e[row * 5 + 1], r.Table.Int32s("j")[row], $"j of row {row}");
            Assert.AreEqual(e[row * 5 + 2], r.Table.Doubles("bridge")[row], 1e-5);
            Assert.AreEqual(e[row * 5 + 3], r.Table.Doubles("coactivation")[row], 1e-6);
            Assert.AreEqual(e[row * 5 + 4], r.Table.Doubles("cosine")[row], 1e-6);
        }
        Assert.IsFalse(r.Table.Int32s("i").Contains(0), "concept 0 never fires on images");
    }

    [TestMethod]
    public void SparseBlockwiseMatchesDenseReference()
    {
        var rng = new Random(9);
        int p = 70, c = 45;
        float[] Codes() => Enumerable.Range(0, p * c).Select(_ => rng.NextDouble() < 0.1 ? (float)rng.NextDouble() : 0f).ToArray();
        var zi = DenseMatrix.Create(Codes(), p, c, "zi");
        var zt = DenseMatrix.Create(Codes(), p, c, "zt");
        var d = EvalFixtures.Random(c, 8, 4, "d");
        var fast = Bridge.TopPairs(zi, zt, d, 200);
        var reference = BridgeReference.TopPairs(zi, zt, d, 200);
        Assert.AreEqual(reference.Count, fast.Table.Rows.Count);
        for (int row = 0; row < reference.Count; row++)
        {
            Assert.AreEqual(reference[row].I, fast.Table.Int32s("i")[row]);
            Assert.AreEqual(reference[row].J, fast.Table.Int32s("j")[row]);
            Assert.AreEqual(reference[row].B, fast.Table.Doubles("bridge")[row], 1e-6);
            Assert.AreEqual(reference[row].Co, fast.Table.Doubles("coactivation")[row], 1e-9);
        }
    }

    [TestMethod]
    public void MisalignedInputsAreClearErrors()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Bridge.TopPairs(EvalFixtures.Matrix("ZI"), EvalFixtures.Random(39, 30, 1, "zt.npy"), EvalFixtures.Matrix("DBR"), 5));
        StringAssert.Contains(ex.Message, "ZI has 40 rows but zt.npy has 39");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Bridge.TopPairs(EvalFixtures.Matrix("ZI"), EvalFixtures.Matrix("ZT"), EvalFixtures.Random(29, 6, 1, "d.npy"), 5));
        StringAssert.Contains(ex.Message, "d.npy has 29 concepts (rows) but the codes have 30 columns");
    }
}
