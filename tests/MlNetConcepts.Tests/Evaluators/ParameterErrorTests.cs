using MlNetConcepts.Views;
using MlNetConcepts.Evaluators;
using MlNetConcepts.Transforms.Extraction;

namespace MlNetConcepts.Tests.Evaluators;

/// <summary>
/// Library errors about argument values name the API parameter (and list it in
/// <see cref="ConceptDataException.Parameters"/>), never a CLI flag: the CLI maps the names to its
/// flags (tests/…/Cli/ParameterFlagsTests.cs).
/// </summary>
[TestClass]
public sealed class ParameterErrorTests
{
    private static void AssertNamesParameter(Action act, string start, params string[] parameters)
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(act);
        StringAssert.StartsWith(e.Message, start);
        Assert.IsFalse(e.Message.Contains("--", StringComparison.Ordinal), e.Message);
        CollectionAssert.AreEqual(parameters, e.Parameters.ToArray());
    }

    [TestMethod]
    public void MonoSemanticityNamesTopN()
    {
        AssertNamesParameter(() => MonoSemanticity.Neurons(EvalFixtures.Matrix("A"), EvalFixtures.Matrix("EMB"), topN: 0),
            "topN must be at least 1, got 0.", "topN");
        AssertNamesParameter(() => MonoSemanticity.Clusters(EvalFixtures.Matrix("X"), EvalFixtures.Matrix("C"), EvalFixtures.Matrix("EMB"), topN: -3),
            "topN must be at least 1, got -3.", "topN");
    }

    [TestMethod]
    public void BridgeAndUniquenessNameTop()
    {
        AssertNamesParameter(() => Bridge.TopPairs(EvalFixtures.Matrix("ZI"), EvalFixtures.Matrix("ZT"), EvalFixtures.Matrix("DBR"), top: 0),
            "top must be at least 1, got 0.", "top");
        AssertNamesParameter(() => Uniqueness.Report(EvalFixtures.Matrix("U"), top: 0), "top must be at least 1, got 0.", "top");
    }

    [TestMethod]
    public void StabilityNamesTopM()
    {
        AssertNamesParameter(() => Stability.Compare(EvalFixtures.Matrix("DA"), EvalFixtures.Matrix("DB"), EvalFixtures.Matrix("ZA"), EvalFixtures.Matrix("ZB"), topM: 0),
            "topM must be between 1 and", "topM");
    }

    [TestMethod]
    public void ModalityNamesBothClassifierInputs()
    {
        var codes = EvalFixtures.Matrix("A");
        var labels = Enumerable.Range(0, codes.Rows).Select(i => i % 2).ToArray();
        AssertNamesParameter(() => Modality.Scores(codes, labels, inputs: EvalFixtures.Matrix("X")),
            "The modality classifier needs both inputs and dictionary.", "inputs", "dictionary");
    }

    [TestMethod]
    public void ModalityClassifierNamesItsBudgetAndBlockRows()
    {
        var labels = Modality.Labels(EvalFixtures.Array("modality"), "modality");
        AssertNamesParameter(() => Modality.ClassifierAccuracy(EvalFixtures.Matrix("X"), EvalFixtures.Matrix("DK"), labels, projectionBytes: 0),
            "projectionBytes must be at least 1, got 0.", "projectionBytes");
        var view = new ColumnDataView(new DenseArrayColumn("X", EvalFixtures.Matrix("X").Data, 6));
        AssertNamesParameter(() => Modality.ClassifierAccuracy(view, "X", EvalFixtures.Matrix("DK"), labels, blockRows: 0),
            "blockRows must be", "blockRows");
        AssertNamesParameter(() => Modality.Scores(view, "X", labels, inputsColumn: "X"),
            "The modality classifier needs both inputsColumn and dictionary.", "inputsColumn", "dictionary");
    }

    [TestMethod]
    public void TokenSelectionNamesTheOptionsField()
    {
        AssertNamesParameter(() => TokenSelection.Parse("random:0"), "Tokens 'random:0': random:N needs a positive N.", "Tokens");
        AssertNamesParameter(() => TokenSelection.Parse("middle"), "Tokens 'middle': use cls, all, mean, end or random:N.", "Tokens");
        AssertNamesParameter(() => new TokenSelection(TokenMode.End).Indices(0, 5, -1, 0), "Tokens end applies to text inputs only", "Tokens");
    }
}
