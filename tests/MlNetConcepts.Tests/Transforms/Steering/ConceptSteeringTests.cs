using MlNetConcepts.Trainers.Sae;
using MlNetConcepts.Transforms.Steering;

namespace MlNetConcepts.Tests.Transforms.Steering;

/// <summary>The fast steering path (changed concepts only) against the full dense decode, token layouts and bad input.</summary>
[TestClass]
public sealed class ConceptSteeringTests
{
    private static float[] Tokens(int rows, int d, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows * d).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void FastPathEqualsTheFullDecode(bool keepError)
    {
        var sae = SteeringFixtures.Sae();
        var x = Tokens(40, sae.Inputs, 1);
        // Several concepts, one of them changed twice (order matters), active and inactive ones.
        var z = sae.Encode(x, 40);
        int active = z.Index[0], other = (active + 7) % sae.Latents;
        ConceptIntervention[] iv = [ConceptIntervention.Add(active, 1.5f), ConceptIntervention.Scale(active, 0.5f), ConceptIntervention.SetTo(other, 3f), ConceptIntervention.Zero((active + 1) % sae.Latents)];
        var fast = new ConceptSteering(sae, iv, keepError).Apply(x, 40);
        var slow = SteeringReference.Apply(sae, iv, keepError, x, 40);
        double diff = OrtFixtures.MaxAbsDiff(fast, slow);
        Assert.IsTrue(diff < 1e-5, $"max diff {diff}");
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(fast, x) > 0.1, "the interventions change the tokens");
    }

    [TestMethod]
    public void DroppingTheErrorWithoutInterventionsReconstructs()
    {
        var sae = SteeringFixtures.Sae();
        var x = Tokens(5, sae.Inputs, 2);
        var y = new ConceptSteering(sae, [], keepReconstructionError: false).Apply(x, 5);
        Assert.IsTrue(OrtFixtures.MaxAbsDiff(y, sae.Reconstruct(x, 5)) < 1e-6);
    }

    [TestMethod]
    public void FeatureMapsAreSteeredPerPositionOverChannels()
    {
        // [B=2, C=d, H=2, W=3]: each of the 12 positions is a token of width d.
        var sae = SteeringFixtures.Sae();
        int d = sae.Inputs, plane = 6;
        var values = Tokens(2 * plane, d, 3); // read as a channels-first tensor
        long[] shape = [2, d, 2, 3];
        var edit = new ConceptSteering(sae, [ConceptIntervention.SetTo(5, 2f)]);
        var got = TokenLayout.Edit("map", values, shape, edit);
        for (int b = 0; b < 2; b++)
            for (int p = 0; p < plane; p++)
            {
                var token = Enumerable.Range(0, d).Select(c => values[(b * d + c) * plane + p]).ToArray();
                var want = SteeringReference.Apply(sae, edit.Interventions, true, token, 1);
                for (int c = 0; c < d; c++) Assert.AreEqual(want[c], got[(b * d + c) * plane + p], 1e-5, $"b {b}, position {p}, channel {c}");
            }
    }

    [TestMethod]
    public void BadInterventionsAndWidthsAreClearErrors()
    {
        var sae = SteeringFixtures.Sae();
        var range = Assert.ThrowsExactly<ConceptDataException>(() => new ConceptSteering(sae, [ConceptIntervention.SetTo(sae.Latents, 1)]));
        StringAssert.Contains(range.Message, "interventions[0].Concept = 256 is out of range");
        var negative = Assert.ThrowsExactly<ConceptDataException>(() => new ConceptSteering(sae, [ConceptIntervention.Zero(1), ConceptIntervention.Add(-1, 1)]));
        StringAssert.Contains(negative.Message, "interventions[1].Concept = -1");
        var nan = Assert.ThrowsExactly<ConceptDataException>(() => new ConceptSteering(sae, [ConceptIntervention.SetTo(3, float.NaN)]));
        StringAssert.Contains(nan.Message, "interventions[0].Alpha = NaN");
        var inf = Assert.ThrowsExactly<ConceptDataException>(() => new ConceptSteering(sae, [ConceptIntervention.Scale(3, float.PositiveInfinity)]));
        StringAssert.Contains(inf.Message, "must be finite");
        var width = Assert.ThrowsExactly<ConceptDataException>(() => TokenLayout.Edit("block3", new float[2 * 17 * 32], [2, 17, 32], new ConceptSteering(sae, [])));
        StringAssert.Contains(width.Message, "tensor 'block3' has tokens of width 32");
        StringAssert.Contains(width.Message, "width 64");
        var parse = Assert.ThrowsExactly<ConceptDataException>(() => ConceptIntervention.Parse("clamp:3=1"));
        StringAssert.Contains(parse.Message, "set, add, scale or zero");
        Assert.AreEqual(ConceptIntervention.SetTo(12, 4.5f), ConceptIntervention.Parse("set:12=4.5"));
        Assert.AreEqual(ConceptIntervention.Zero(9), ConceptIntervention.Parse("zero:9"));
    }
}
