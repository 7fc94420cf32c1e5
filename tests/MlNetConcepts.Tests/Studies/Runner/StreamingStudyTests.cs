using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.Runner;

[TestClass]
[DoNotParallelize] // lowers the process-wide whole-load limit
public sealed class StreamingStudyTests
{
    /// <summary>
    /// A layer larger than the (lowered) whole-load limit: every stage reads it in blocks of rows
    /// (nothing may load it whole, or NpyFile would refuse), and every number of the layer's
    /// result equals the in-memory analysis of the same layer (1e-9 relative: only the order of
    /// float64 sums over blocks differs), integer results (sizes, matches, core rows) exactly.
    /// </summary>
    [TestMethod]
    public void AStudyOverTheWholeLoadLimitStreamsAndEqualsTheInMemoryStudy()
    {
        var config = StudyFixture.DefaultConfig() with
        {
            Layers = StudyFixture.DefaultConfig().Layers.Take(1).ToList(),
            Saes = [new SaeSpec("topk", 2, 4) { Steps = 200 }],
            Clusters = [new ClusterSpec("kmeans", 8), new ClusterSpec("spherical", 8), new ClusterSpec("minibatch", 8), new ClusterSpec("agglomerative", 8)],
            Seeds = 2,
        };
        var (_, shape) = NpyFile.ReadShape(config.Layers[0].Path);
        long values = shape[0] * shape[1];

        var inMemoryOut = StudyFixture.NewOutput();
        var streamedOut = StudyFixture.NewOutput();
        try
        {
            var inMemoryLog = new List<string>();
            var inMemory = new StudyRunner(log: inMemoryLog.Add).Run(config, inMemoryOut).Layers[0];
            Assert.IsFalse(inMemoryLog.Any(l => l.Contains("in blocks of rows")), "the small layer is analysed in memory");

            var streamedLog = new List<string>();
            NpyFile.WholeLoadLimitOverride = values / 2; // the layer (and its wider codes) can no longer be read whole
            LayerResult streamed;
            try { streamed = new StudyRunner(log: streamedLog.Add).Run(config, streamedOut).Layers[0]; }
            finally { NpyFile.WholeLoadLimitOverride = null; }
            Assert.IsTrue(streamedLog.Any(l => l.Contains("in blocks of rows")), string.Join("\n", streamedLog));

            Assert.IsTrue(inMemory.Saes[0].Ms is { Length: > 0 } && inMemory.Comparisons.Count == 4 && inMemory.Saes[0].Bridges is { Count: > 0 },
                "the study exercises MonoSemanticity, overlap and bridges");
            AssertSame(Json(inMemory), Json(streamed), "layer");
        }
        finally
        {
            Directory.Delete(inMemoryOut, true);
            Directory.Delete(streamedOut, true);
        }
    }

    private static JsonNode Json(LayerResult r) => JsonNode.Parse(JsonSerializer.Serialize(r, StudyRunner.ResultJson))!;

    private static void AssertSame(JsonNode? a, JsonNode? b, string path)
    {
        switch (a)
        {
            case JsonObject oa:
                var ob = (JsonObject)b!;
                CollectionAssert.AreEquivalent(oa.Select(p => p.Key).ToList(), ob.Select(p => p.Key).ToList(), path);
                foreach (var (key, value) in oa) AssertSame(value, ob[key], $"{path}.{key}");
                break;
            case JsonArray xa:
                var xb = (JsonArray)b!;
                Assert.AreEqual(xa.Count, xb.Count, $"{path}: lengths");
                for (int i = 0; i < xa.Count; i++) AssertSame(xa[i], xb[i], $"{path}[{i}]");
                break;
            case JsonValue va when va.GetValueKind() == JsonValueKind.Number && b?.GetValueKind() == JsonValueKind.Number:
                double x = va.GetValue<double>(), y = b.GetValue<double>();
                Assert.IsTrue(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))), $"{path}: {x} in memory, {y} streamed");
                break;
            default: // strings, and NaN, which the result JSON writes as the string "NaN"
                Assert.AreEqual(a?.ToJsonString(), b?.ToJsonString(), path);
                break;
        }
    }
}
