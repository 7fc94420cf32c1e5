using MlNetConcepts.Studies.Synthetic;

namespace MlNetConcepts.Tests.Studies.Synthetic;

[TestClass]
public sealed class MultimodalSynthTests
{
    private static readonly MultimodalSynthOptions Small = new() { Pairs = 400, Dimensions = 16, ImageConcepts = 6, TextConcepts = 6, SharedConcepts = 4, BridgePairs = 3 };

    [TestMethod]
    public void PlantedDirectionsAreUnitAndBridgesSitAtTheRequestedCosine()
    {
        var data = MultimodalSynth.Generate(Small);
        int d = Small.Dimensions;
        for (int c = 0; c < Small.ConceptCount; c++)
            Assert.AreEqual(1.0, Math.Sqrt(Enumerable.Range(0, d).Sum(t => (double)data.Planted[c * d + t] * data.Planted[c * d + t])), 1e-6);
        foreach (var (img, txt) in data.Bridges)
        {
            double cos = Enumerable.Range(0, d).Sum(t => (double)data.Planted[img * d + t] * data.Planted[txt * d + t]);
            Assert.AreEqual(Small.BridgeCosine, cos, 1e-6);
            Assert.AreEqual("image", data.Kinds[img]);
            Assert.AreEqual("text", data.Kinds[txt]);
        }
    }

    [TestMethod]
    public void ConceptsFireOnlyInTheirModalityAndPairsShareTheirSemantics()
    {
        var data = MultimodalSynth.Generate(Small);
        int m = Small.ConceptCount, pairs = Small.Pairs;
        for (int r = 0; r < data.Rows; r++)
            for (int c = 0; c < m; c++)
            {
                if (data.Codes[r * m + c] == 0) continue;
                if (data.Kinds[c] == "image") Assert.AreEqual(0, data.Modality[r], $"image concept {c} fired in text row {r}");
                if (data.Kinds[c] == "text") Assert.AreEqual(1, data.Modality[r], $"text concept {c} fired in image row {r}");
            }
        for (int p = 0; p < pairs; p++)
        {
            Assert.AreEqual(data.PairIds[p], data.PairIds[pairs + p]);
            foreach (var c in Enumerable.Range(0, m).Where(c => data.Kinds[c] == "shared"))
                Assert.AreEqual(data.Codes[p * m + c], data.Codes[(pairs + p) * m + c], "shared concepts fire with one magnitude in both rows of a pair");
            foreach (var (img, txt) in data.Bridges)
                Assert.AreEqual(data.Codes[p * m + img] > 0, data.Codes[(pairs + p) * m + txt] > 0, "bridge partners fire together");
        }
    }

    [TestMethod]
    public void TheLinearLayerIsTheCodesTimesTheDirectionsPlusTheModalityOffset()
    {
        var data = MultimodalSynth.Generate(Small with { Noise = 0 });
        int d = Small.Dimensions, m = Small.ConceptCount, pairs = Small.Pairs;
        var x = data.Layers[0].Activations;
        // With no noise, image row p minus the text row of the same pair equals 2u plus the
        // difference of their codes mapped through the directions; check one pair by hand.
        var offset = new double[d];
        for (int t = 0; t < d; t++)
        {
            double img = x[t], txt = x[pairs * d + t];
            for (int c = 0; c < m; c++)
            {
                img -= data.Codes[c] * data.Planted[c * d + t];
                txt -= data.Codes[pairs * m + c] * data.Planted[c * d + t];
            }
            Assert.AreEqual(img, -txt, 1e-5, "image and text offsets are opposite");
            offset[t] = img;
        }
        Assert.AreEqual(Small.ModalityOffset, Math.Sqrt(offset.Sum(v => v * v)), 1e-5);
    }

    [TestMethod]
    public void GenerationIsDeterministicPerSeed()
    {
        var a = MultimodalSynth.Generate(Small);
        var b = MultimodalSynth.Generate(Small);
        var c = MultimodalSynth.Generate(Small with { Seed = 8 });
        CollectionAssert.AreEqual(a.Layers[2].Activations, b.Layers[2].Activations);
        CollectionAssert.AreNotEqual(a.Layers[2].Activations, c.Layers[2].Activations);
    }

    [TestMethod]
    public void BadSettingsAreRejected()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => MultimodalSynth.Generate(Small with { BridgePairs = 7 }));
        StringAssert.Contains(e.Message, "bridge pairs");
    }
}
