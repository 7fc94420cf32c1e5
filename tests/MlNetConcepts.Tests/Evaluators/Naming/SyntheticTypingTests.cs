using MlNetConcepts.Evaluators;
using MlNetConcepts.Evaluators.Naming;
using MlNetConcepts.Studies.Synthetic;

namespace MlNetConcepts.Tests.Evaluators.Naming;

/// <summary>
/// Typing on the multimodal synthetic benchmark (<c>mlnc synth multimodal</c>), whose ground truth
/// says which planted concepts are image-only, text-only or shared. The concepts are the planted
/// ones (activations = planted codes); the "text tower" maps concept c's name to its planted
/// direction blurred by noise (cosine about 0.8), and the null labels are random unit vectors.
/// </summary>
[TestClass]
public sealed class SyntheticTypingTests
{
    [TestMethod]
    public void RecoversThePlantedTypesAndNames()
    {
        var data = MultimodalSynth.Generate(new MultimodalSynthOptions { Pairs = 2000, LayerNonlinearity = [0.0] });
        int m = data.Options.ConceptCount, d = data.Options.Dimensions;
        var rng = new Random(5);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var labels = new float[m * d];
        for (int i = 0; i < labels.Length; i++) labels[i] = (float)(data.Planted[i] + 0.75 / Math.Sqrt(d) * Gaussian());
        var nulls = new float[200 * d];
        for (int i = 0; i < nulls.Length; i++) nulls[i] = (float)Gaussian();

        var names = ConceptNaming.Name(new ConceptNamingInputs
        {
            Embeddings = DenseMatrix.Create(data.Layers[0].Activations, data.Rows, d, "layer0"),
            Activations = DenseMatrix.Create(data.Codes, data.Rows, m, "codes"),
            Modality = data.Modality,
            Labels = DenseMatrix.Create(labels, m, d, "labels"),
            LabelNames = Enumerable.Range(0, m).Select(c => $"concept{c}").ToArray(),
            NullLabels = DenseMatrix.Create(nulls, 200, d, "null"),
        });

        var expected = data.Kinds.Select(k => k switch
        {
            MultimodalSynth.ImageKind => ConceptType.Visual,
            MultimodalSynth.TextKind => ConceptType.Textual,
            _ => ConceptType.Multimodal,
        }).ToArray();
        int typed = Enumerable.Range(0, m).Count(c => names.Type[c] == expected[c]);
        int named = Enumerable.Range(0, m).Count(c => names.Label[c] == c);
        Console.WriteLine($"types recovered {typed}/{m}, names recovered {named}/{m}");
        // Stated rate: at least 95% of the planted types and names (52 concepts).
        Assert.IsTrue(typed >= 0.95 * m, $"types recovered {typed}/{m}");
        Assert.IsTrue(named >= 0.95 * m, $"names recovered {named}/{m}");
        foreach (var kind in new[] { ConceptType.Visual, ConceptType.Textual, ConceptType.Multimodal })
            Assert.IsTrue(Enumerable.Range(0, m).Any(c => expected[c] == kind && names.Type[c] == kind), $"no {kind} concept recovered");
    }
}
