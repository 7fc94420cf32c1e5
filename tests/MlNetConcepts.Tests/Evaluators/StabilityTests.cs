using MlNetConcepts.Evaluators;
using MlNetConcepts.Reports;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class StabilityTests
{
    [TestMethod]
    public void RectangularMatchingMatchesScipy()
    {
        var r = Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"));
        Assert.AreEqual(20, r.Table.Rows.Count);
        CollectionAssert.AreEqual(EvalFixtures.Array("stab_rect_cols").ToInt32(), r.Table.Int32s("concept_b"));
        Assert.AreEqual(EvalFixtures.Doubles("stab_rect_mean")[0], Stability.Value(r), 1e-6);
    }

    [TestMethod]
    public void SquareMatchingAndTopMMatchScipy()
    {
        var db = EvalFixtures.Matrix("DB");
        var square = DenseMatrix.Create(db.Data.AsSpan(0, 20 * db.Cols).ToArray(), 20, db.Cols, "DB[:20]");
        var r = Stability.Compare(EvalFixtures.Matrix("DA"), square);
        CollectionAssert.AreEqual(EvalFixtures.Array("stab_square_cols").ToInt32(), r.Table.Int32s("concept_b"));
        Assert.AreEqual(EvalFixtures.Doubles("stab_square_mean")[0], Stability.Value(r), 1e-6);
        var top = Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"), EvalFixtures.Matrix("ZA"), EvalFixtures.Matrix("ZB"), 8);
        Assert.AreEqual(EvalFixtures.Doubles("stab_top_mean")[0], Stability.Value(top, topM: true), 1e-6);
    }

    [TestMethod]
    public void IdenticalDictionariesInAnotherOrderAreFullyStable()
    {
        var a = EvalFixtures.Random(30, 7, 11, "a");
        var perm = Enumerable.Range(0, 30).Reverse().ToArray();
        var b = DenseMatrix.Create(perm.SelectMany(i => a.Row(i).ToArray()).ToArray(), 30, 7, "b");
        var r = Stability.Compare(a, b);
        Assert.AreEqual(1.0, Stability.Value(r), 1e-6);
        CollectionAssert.AreEqual(perm, r.Table.Int32s("concept_b"));
    }

    [TestMethod]
    public void WrongWidthsAreClearErrors()
    {
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Random(4, 5, 1, "b.npy")));
        StringAssert.Contains(ex.Message, "DA has 6 columns but b.npy has 5");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"), EvalFixtures.Matrix("ZB"), EvalFixtures.Matrix("ZB"), 3));
        StringAssert.Contains(ex.Message, "ZB has 25 columns but DA has 20 concepts");
        ex = Assert.ThrowsExactly<ConceptDataException>(() => Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"), EvalFixtures.Matrix("ZA"), EvalFixtures.Matrix("ZB"), 21));
        StringAssert.Contains(ex.Message, "topM must be between 1 and 20");
    }
}
