using MlNetConcepts.Data;
using MlNetConcepts.Pipeline;

namespace MlNetConcepts.Tests.Core.Pipeline;

[TestClass]
public sealed class EstimatorChainTests
{
    private static InMemoryView Data() => InMemoryView.FromMatrix("X", [1, 10, 3, 20, 5, 60], 2);

    [TestMethod]
    public void EachStepIsFittedOnThePreviousStepsOutput()
    {
        // Step 1 centres X → A (mean (3, 30)); step 2 centres A → B. A's mean is 0, so a chain that
        // fitted step 2 on the raw input instead of step 1's output would learn X's mean and fail.
        var chain = new CenteringEstimator("A", "X").Append(new CenteringEstimator("B", "A"));
        var fitted = chain.Fit(Data());
        CollectionAssert.AreEqual(new float[] { 3, 30 }, ((CenteringTransformer)fitted.Steps[0]).Mean);
        CollectionAssert.AreEqual(new float[] { 0, 0 }, fitted.LastTransformer.Mean);

        var output = fitted.Transform(Data());
        var b = output.ReadMatrix("B", out int rows, out _);
        Assert.AreEqual(3, rows);
        CollectionAssert.AreEqual(new float[] { -2, -20, 0, -10, 2, 30 }, b);
    }

    [TestMethod]
    public void SchemaPropagatesThroughTheChainWithoutData()
    {
        var chain = new CenteringEstimator("A", "X").Append(new CenteringEstimator("B", "A"));
        var schema = chain.GetOutputSchema(Data().Schema);
        CollectionAssert.AreEqual(new[] { "X", "A", "B" }, schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(2, schema["B"].Type.VectorSize);
    }

    [TestMethod]
    public void AMissingInputColumnIsAClearError()
    {
        var chain = new CenteringEstimator("A", "Missing").Append(new CenteringEstimator("B", "A"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => chain.GetOutputSchema(Data().Schema));
        StringAssert.Contains(e.Message, "Unknown column 'Missing'");
    }

    [TestMethod]
    public void AWrongWidthIsRejectedByTheFittedTransformer()
    {
        var fitted = new CenteringEstimator("A", "X").Fit(Data());
        var wide = InMemoryView.FromMatrix("X", new float[9], 3);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => fitted.Transform(wide));
        StringAssert.Contains(e.Message, "width 3, but 2 is required");
    }

    [TestMethod]
    public void CursorRestrictedToInputColumnsDoesNotComputeOutputs()
    {
        var fitted = new CenteringEstimator("A", "X").Fit(Data());
        var view = fitted.Transform(Data());
        using var cursor = view.GetCursor(columns: ["X"]);
        Assert.IsTrue(cursor.MoveNext());
        Assert.AreEqual(6, cursor.GetFloats(view.Schema["X"].Index).Length);
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetFloats(view.Schema["A"].Index));
    }
}
