using System.Text.Json;
using MlNetConcepts.Studies.Quickstart;

namespace MlNetConcepts.Tests.Studies.Quickstart;

[TestClass]
public sealed class FashionCaptionsTests
{
    [TestMethod]
    public void AttributesEqualTheTrainingScriptsNumpyDefinition()
    {
        // Oracle: tools/fixtures/quickstart_captions.py (train.py's attributes, numpy.gradient).
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Quickstart", "attributes.json")));
        var pixels = doc.RootElement.GetProperty("pixels").EnumerateArray().ToArray();
        var expected = doc.RootElement.GetProperty("attributes").EnumerateArray().ToArray();
        for (int i = 0; i < pixels.Length; i++)
        {
            var px = pixels[i].EnumerateArray().Select(v => (float)v.GetInt32()).ToArray();
            var got = FashionCaptions.Attributes(px, 28, 28);
            var want = expected[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int a = 0; a < 3; a++) Assert.AreEqual(want[a], got[a], 1e-5, $"image {i}, attribute {a}");
        }
    }

    [TestMethod]
    public void CaptionsFollowTheModelsTemplate()
    {
        double[] medians = [0.65, 0.46, 0.17];
        // Each kept attribute takes the side of its median: light (0.9 > 0.65), small (0.2 < 0.46),
        // patterned (0.3 > 0.17); the mirrored attributes take the other three words.
        var (high, low) = (new[] { "light", "small", "patterned" }, new[] { "dark", "large", "plain" });
        foreach (var (attributes, expected) in new[] { (new[] { 0.9, 0.2, 0.3 }, high), (new[] { 0.1, 0.8, 0.05 }, low) })
        {
            var seen = new Dictionary<string, int>();
            const int Captions = 400;
            for (int seed = 0; seed < Captions; seed++)
            {
                var caption = FashionCaptions.Caption("coat", attributes, medians, new Random(seed));
                StringAssert.StartsWith(caption, "a photo of a ");
                StringAssert.EndsWith(caption, " coat");
                var words = caption.Split(' ')[4..^1];
                CollectionAssert.IsSubsetOf(words, expected, caption);
                Assert.AreEqual(words.Length, words.Distinct().Count(), caption);
                foreach (var w in words) seen[w] = seen.GetValueOrDefault(w) + 1;
            }
            // Every word is produced, each kept with probability 0.6 (train.py): 400 draws put the
            // count within ±5 standard deviations (√(400·0.6·0.4) ≈ 9.8) of 240.
            foreach (var w in expected)
            {
                int n = seen.GetValueOrDefault(w);
                Assert.IsTrue(Math.Abs(n - 0.6 * Captions) <= 5 * Math.Sqrt(Captions * 0.6 * 0.4), $"'{w}' in {n} of {Captions} captions");
            }
        }
    }
}
