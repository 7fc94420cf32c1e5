using MlNetConcepts.IO;
using MlNetConcepts.Tests.Core.Views;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

/// <summary>The CLI's matrix inputs accept Arrow files: each run equals the same run on the <c>.npy</c> of the same values.</summary>
[TestClass]
[DoNotParallelize] // redirects Console
public sealed class ArrowInputTests
{
    [TestMethod]
    public void EvalMsClusterAndSaeTrainGiveTheSameResultsOnArrowAsOnNpy()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-arrow-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Random(5);
            int rows = 90, d = 6, e = 4;
            var x = Enumerable.Range(0, rows * d).Select(i => (float)(rng.NextDouble() * 2 - 1) + (i / d % 3) * 3f).ToArray();
            var emb = Enumerable.Range(0, rows * e).Select(_ => (float)rng.NextDouble()).ToArray();
            string P(string name) => Path.Combine(dir, name);
            NpyFile.WriteMatrix(P("x.npy"), x, rows, d);
            NpyFile.WriteMatrix(P("e.npy"), emb, rows, e);
            ArrowFiles.WriteMatrix(P("x.arrow"), x, d, [40, 50]);
            ArrowFiles.WriteMatrix(P("e.arrows"), emb, e, [33, 57], stream: true);

            foreach (var (acts, embs, tag) in new[] { ("x.npy", "e.npy", "npy"), ("x.arrow", "e.arrows", "arrow") })
            {
                var r = Run("eval", "ms", "--activations", P(acts), "--embeddings", P(embs), "--block-rows", "16", "--out", P($"ms-{tag}.csv"));
                Assert.AreEqual(0, r.Code, r.Err);
                r = Run("cluster", "--activations", P(acts), "--k", "3", "--seed", "1", "--out", P($"cluster-{tag}"));
                Assert.AreEqual(0, r.Code, r.Err);
                r = Run("sae", "train", "--activations", P(acts), "--expansion", "2", "--k", "2", "--epochs", "2", "--batch", "30", "--holdout", "0", "--seed", "2", "--out", P($"sae-{tag}"));
                Assert.AreEqual(0, r.Code, r.Err);
            }
            CollectionAssert.AreEqual(File.ReadAllLines(P("ms-npy.csv")), File.ReadAllLines(P("ms-arrow.csv")), "eval ms");
            Assert.HasCount(d + 1, File.ReadAllLines(P("ms-arrow.csv")));
            foreach (var f in new[] { "centroids.npy", "labels.npy", "membership.npy" })
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(P("cluster-npy"), f)), File.ReadAllBytes(Path.Combine(P("cluster-arrow"), f)), $"cluster {f}");
            var saeFiles = Directory.GetFiles(Path.Combine(P("sae-npy"), "saelens")).Select(Path.GetFileName).ToArray();
            Assert.IsNotEmpty(saeFiles);
            foreach (var f in saeFiles.Where(f => !f!.EndsWith(".json", StringComparison.Ordinal)))
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(P("sae-npy"), "saelens", f!)), File.ReadAllBytes(Path.Combine(P("sae-arrow"), "saelens", f!)), $"sae {f}");

            // Two float vector columns: the CLI names the file and asks for one.
            var schema = new Apache.Arrow.Schema([ArrowFiles.VectorField("a", 2), ArrowFiles.VectorField("b", 2)], null);
            ArrowFiles.Write(P("two.arrow"), schema, [new Apache.Arrow.RecordBatch(schema, [ArrowFiles.Vectors([1, 2], 2), ArrowFiles.Vectors([3, 4], 2)], 1)]);
            var bad = Run("eval", "ms", "--activations", P("two.arrow"), "--embeddings", P("e.npy"));
            Assert.AreEqual(2, bad.Code);
            StringAssert.Contains(bad.Err, $"{P("two.arrow")}: 2 float32 vector columns (a, b)");
        }
        finally { Directory.Delete(dir, true); }
    }
}
