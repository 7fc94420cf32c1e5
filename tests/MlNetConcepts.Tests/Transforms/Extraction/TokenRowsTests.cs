using MlNetConcepts.IO;
using MlNetConcepts.Transforms.Extraction;
using MlNetConcepts.Transforms.Onnx;

namespace MlNetConcepts.Tests.Transforms.Extraction;

/// <summary>The fast token selection (straight from output memory) against the plain reference, bit for bit.</summary>
[TestClass]
public sealed class TokenRowsTests
{
    [TestMethod]
    public void EveryRankAndModeEqualsTheReferenceBitForBit()
    {
        var rng = new Random(11);
        var input = new TensorInput(NdArray.FromFloats(new float[6], [6, 1]), "samples");
        long[][] shapes = [[5, 7], [5, 9, 6], [5, 6, 3, 4]];
        TokenSelection[] modes = [TokenSelection.Cls, new(TokenMode.All), new(TokenMode.Mean), new(TokenMode.Random, 4), new(TokenMode.Random, 50)];
        foreach (var tokens in modes)
        {
            var options = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["logits"], Tokens = tokens, Seed = 3, Session = new() { IntraOpThreads = 1 } };
            using var ex = new ActivationExtractor(options);
            foreach (var shape in shapes)
            {
                var v = new float[shape.Aggregate(1L, (a, d) => a * d)];
                for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 20 - 10);
                // Samples 1..4 of a batch whose output has one spare row (a padded fixed batch).
                var want = ex.Rows("t", NdArray.FromFloats(v, shape), 1, 4, input);
                var got = TokenRows.Select("t", v, shape, 1, 4, input, options);
                string what = $"{tokens}, shape [{string.Join(",", shape)}]";
                Assert.AreEqual(want.Width, got.Width, what);
                CollectionAssert.AreEqual(want.SampleIds, got.SampleIds, what);
                CollectionAssert.AreEqual(want.TokenIndices, got.TokenIndices, what);
                CollectionAssert.AreEqual(want.Values.Select(BitConverter.SingleToInt32Bits).ToArray(), got.Values.Select(BitConverter.SingleToInt32Bits).ToArray(), what);
            }
        }
    }

    [TestMethod]
    public void ABadShapeIsRejectedWithTheTensorName()
    {
        var options = new ActivationExtractorOptions { ModelPath = OrtFixtures.Path("vit.onnx"), Tensors = ["logits"] };
        var input = new TensorInput(NdArray.FromFloats(new float[4], [4, 1]), "samples");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => TokenRows.Select("block9", new float[8], [2, 4], 0, 4, input, options));
        StringAssert.Contains(e.Message, "'block9'");
        e = Assert.ThrowsExactly<ConceptDataException>(() => TokenRows.Select("block9", new float[32], [1, 2, 2, 2, 4], 0, 1, input, options));
        StringAssert.Contains(e.Message, "rank 5");
    }
}
