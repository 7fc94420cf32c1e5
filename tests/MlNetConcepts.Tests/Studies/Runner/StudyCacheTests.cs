using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;

namespace MlNetConcepts.Tests.Studies.Runner;

/// <summary>A cached stage is used only when it reads back with the shapes the stage makes; a damaged one is redone.</summary>
[TestClass]
public sealed class StudyCacheTests
{
    private static float[] ReadCodes(string dir, int rows, int cols)
    {
        var path = Path.Combine(dir, "codes.npy");
        var x = NpyFile.ReadMatrix(path, out int r, out int c);
        if (r != rows || c != cols) throw new ConceptDataException($"{path}: {r}×{c}, expected {rows}×{cols}.");
        return x;
    }

    [TestMethod]
    public void DamagedOrMisshapenEntriesAreRecomputedNotTrusted()
    {
        var root = Path.Combine(Path.GetTempPath(), "mlnc-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new StudyCache(root);
            int computed = 0;
            void Compute(string tmp) { computed++; NpyFile.WriteMatrix(Path.Combine(tmp, "codes.npy"), new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3); }
            string key = StudyCache.Key("codes", "test");
            var first = cache.GetOrCompute("sae", key, Compute, d => ReadCodes(d, 2, 3));
            var again = cache.GetOrCompute("sae", key, Compute, d => ReadCodes(d, 2, 3));
            CollectionAssert.AreEqual(first, again);
            Assert.AreEqual((1, 1, 1, 0), (computed, cache.Recomputed, cache.Reused, cache.Discarded));

            // Truncated data: the header promises 2×3 floats that are no longer there.
            string file = Path.Combine(root, $"sae-{key}", "codes.npy");
            var bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes[..^8]);
            CollectionAssert.AreEqual(first, cache.GetOrCompute("sae", key, Compute, d => ReadCodes(d, 2, 3)));
            Assert.AreEqual((2, 1), (computed, cache.Discarded));

            // Complete, but not the shape this stage makes (a header that lies about the rows).
            NpyFile.WriteMatrix(file, new float[] { 1, 2, 3 }, 1, 3);
            CollectionAssert.AreEqual(first, cache.GetOrCompute("sae", key, Compute, d => ReadCodes(d, 2, 3)));
            Assert.AreEqual((3, 2, 3), (computed, cache.Discarded, cache.Recomputed));

            // A missing file in a present folder is redone as well.
            File.Delete(file);
            cache.GetOrCompute("sae", key, Compute, d => ReadCodes(d, 2, 3));
            Assert.AreEqual((4, 3), (computed, cache.Discarded));
            Assert.AreEqual(1, Directory.GetDirectories(root).Length, "no temporary folders are left behind");
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }
}
