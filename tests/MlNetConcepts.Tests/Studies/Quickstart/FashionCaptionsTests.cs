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
        var caption = FashionCaptions.Caption("coat", [0.9, 0.2, 0.3], [0.65, 0.46, 0.17], new Random(1));
        StringAssert.StartsWith(caption, "a photo of a ");
        StringAssert.EndsWith(caption, " coat");
        var words = caption.Split(' ')[4..^1];
        // Each kept attribute takes the side of its median: light (0.9 > 0.65), small (0.2 < 0.46), patterned (0.3 > 0.17).
        Assert.IsTrue(words.All(w => w is "light" or "small" or "patterned"), caption);
        Assert.AreEqual(words.Length, words.Distinct().Count());
    }
}
