using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Naming;

namespace MlNetConcepts.Tests.Evaluators.Naming;

[TestClass]
public sealed class ConceptNamingTests
{
    private static ConceptNamingInputs Inputs(bool decoder)
    {
        var labels = NamingFixtures.Matrix("labels");
        return new ConceptNamingInputs
        {
            Embeddings = NamingFixtures.Matrix("emb"),
            Activations = NamingFixtures.Matrix("act"),
            Modality = NamingFixtures.Ints("modality"),
            Labels = labels,
            LabelNames = Enumerable.Range(0, labels.Rows).Select(i => $"label{i}").ToArray(),
            NullLabels = NamingFixtures.Matrix("null"),
            Decoder = decoder ? NamingFixtures.Matrix("decoder") : null,
        };
    }

    [TestMethod]
    [DataRow(false, "nodec")]
    [DataRow(true, "dec")]
    public void EqualsTheNumpyOracle(bool decoder, string tag)
    {
        var names = ConceptNaming.Name(Inputs(decoder), new ConceptNamingOptions { TopN = 5 });
        CollectionAssert.AreEqual(NamingFixtures.Ints($"expected_label_{tag}"), names.Label, "labels");
        CollectionAssert.AreEqual(NamingFixtures.Ints($"expected_type_{tag}"), names.Type.Select(t => (int)t).ToArray(), "types");
        var v = NamingFixtures.Doubles($"expected_values_{tag}");
        int k = names.Count;
        EvalFixtures.AssertClose(v[..k], names.Margin, 1e-9, "margin");
        EvalFixtures.AssertClose(v[k..(2 * k)], names.VisualAlignment, 1e-9, "visual alignment");
        EvalFixtures.AssertClose(v[(2 * k)..(3 * k)], names.TextualAlignment, 1e-9, "textual alignment");
        EvalFixtures.AssertClose(v[(3 * k)..(4 * k)], names.DecoderAlignment, 1e-9, "decoder alignment");
        EvalFixtures.AssertClose(v[(4 * k)..(5 * k)], names.VisualThreshold, 1e-9, "visual threshold");
        EvalFixtures.AssertClose(v[(5 * k)..(6 * k)], names.TextualThreshold, 1e-9, "textual threshold");
    }

    [TestMethod]
    public void ThePlantedLabelsAreFoundAndTyped()
    {
        // The fixture plants label 0 in concept 0's top images and label 1 in concept 5's top texts.
        var names = ConceptNaming.Name(Inputs(false), new ConceptNamingOptions { TopN = 5 });
        Assert.AreEqual("label0", names.LabelName[0]);
        Assert.AreEqual(ConceptType.Visual, names.Type[0]);
        Assert.AreEqual("label1", names.LabelName[5]);
        Assert.AreEqual(ConceptType.Textual, names.Type[5]);
        Assert.AreEqual(-1, names.Label[3], "a silent concept has no label without a decoder");
        Assert.AreEqual(ConceptType.None, names.Type[3]);
    }

    [TestMethod]
    public void BadInputNamesTheParameterOrShape()
    {
        var good = Inputs(true);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => ConceptNaming.Name(good with { Modality = good.Modality[1..] }));
        StringAssert.Contains(e.Message, "modality has 99 rows");
        e = Assert.ThrowsExactly<ConceptDataException>(() => ConceptNaming.Name(good with { LabelNames = ["a"] }));
        StringAssert.Contains(e.Message, "1 label names");
        e = Assert.ThrowsExactly<ConceptDataException>(() => ConceptNaming.Name(good, new ConceptNamingOptions { TopN = 0 }));
        StringAssert.Contains(e.Message, "topN");
        e = Assert.ThrowsExactly<ConceptDataException>(() => ConceptNaming.Name(good with { Decoder = EvalFixtures.Random(3, 12, 1, "D") }));
        StringAssert.Contains(e.Message, "one direction per concept");
    }
}
