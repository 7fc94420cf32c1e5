using Microsoft.ML;
using MlNetConcepts.Reports;
using MlNetConcepts.Evaluators;
using MlNetConcepts.IO;
using MlNetConcepts.Views;

namespace MlNetConcepts.Tests.Evaluators;

[TestClass]
public sealed class ClusterMsPassTests
{
    [TestMethod]
    public void OnePassEqualsStoredMembershipsOnSeveralShapes()
    {
        // (N, d, J, e, block rows): one block, ragged blocks, blocks of one row, more clusters than
        // dimensions, and an embedding width that is not a multiple of 8.
        foreach (var (n, d, j, e, block) in new[] { (60, 5, 3, 8, 60), (301, 12, 7, 20, 64), (40, 3, 9, 13, 1), (257, 33, 100, 31, 100) })
        {
            var x = EvalFixtures.Random(n, d, n + d, "x");
            var c = EvalFixtures.Random(j, d, j + 1, "c");
            var emb = Embeddings(x, e, e + 2);
            var (expected, expectedSupport) = MonoSemanticityReference.ClustersFromStoredMembership(x, c, emb);
            var pass = new ClusterMsPass(c, e);
            for (int first = 0; first < n; first += block)
            {
                int rows = Math.Min(block, n - first);
                pass.Add(x.Data.AsSpan(first * d, rows * d), emb.Data.AsSpan(first * e, rows * e), rows, first, "x", "emb");
            }
            var (ms, support) = pass.Finish();
            AssertRelative(expected, ms, 1e-6, $"N={n} d={d} J={j} e={e} block={block}");
            AssertRelative(MonoSemanticityReference.Clusters(x, c, emb), ms, 1e-6, $"brute force, N={n} d={d} J={j}");
            CollectionAssert.AreEqual(expectedSupport, support, $"support, N={n} J={j}");
        }
    }

    [TestMethod]
    public void StreamedFilesLargerThanOneBlockEqualStoredMemberships()
    {
        // Memory-mapped .npy files read in 97-row blocks (13 blocks, the last ragged) through the view,
        // and the in-memory form in 7-row blocks.
        int n = 1200, d = 24, j = 10, e = 40;
        var x = EvalFixtures.Random(n, d, 5, "x");
        var c = EvalFixtures.Random(j, d, 6, "c");
        var emb = Embeddings(x, e, 7);
        var (expected, expectedSupport) = MonoSemanticityReference.ClustersFromStoredMembership(x, c, emb);
        var dir = Directory.CreateTempSubdirectory("mlnc-cluster-ms-").FullName;
        try
        {
            NpyFile.WriteMatrix(Path.Combine(dir, "x.npy"), x.Data, n, d);
            NpyFile.WriteMatrix(Path.Combine(dir, "emb.npy"), emb.Data, n, e);
            using var view = new MLContext().Data.LoadFromMatrixFiles(("x", Path.Combine(dir, "x.npy")), ("emb", Path.Combine(dir, "emb.npy")));
            var streamed = MonoSemanticityStreaming.Clusters(view, "x", c, "emb", blockRows: 97);
            AssertRelative(expected, streamed.Table.Doubles("ms"), 1e-6, "streamed, 97-row blocks");
            CollectionAssert.AreEqual(expectedSupport, streamed.Table.Int32s("support"));
        }
        finally { Directory.Delete(dir, true); }
        MonoSemanticity.BlockRowsOverride = 7;
        try { AssertRelative(expected, MonoSemanticity.Clusters(x, c, emb).Table.Doubles("ms"), 1e-6, "in memory, 7-row blocks"); }
        finally { MonoSemanticity.BlockRowsOverride = null; }
    }

    [TestMethod]
    public void ZeroActivationRowIsNamed()
    {
        var x = EvalFixtures.Random(10, 4, 1, "x");
        for (int i = 0; i < 4; i++) x.Data[6 * 4 + i] = 0;
        var pass = new ClusterMsPass(EvalFixtures.Random(3, 4, 2, "c"), 5);
        var ex = Assert.ThrowsExactly<ConceptDataException>(() => pass.Add(x.Data, EvalFixtures.Random(10, 5, 3, "e").Data, 10, 100, "acts.npy", "emb.npy"));
        StringAssert.Contains(ex.Message, "acts.npy: row 106 is all zeros");
    }

    // Embeddings that follow the activations (each slot copies one activation slot, plus noise) around a
    // shared direction (the +1), as image embeddings do: samples near the same centroid have similar
    // embeddings and the scores sit well away from 0, where ‖v‖² − S2 would cancel.
    private static DenseMatrix Embeddings(DenseMatrix x, int e, int seed)
    {
        var noise = EvalFixtures.Random(x.Rows, e, seed, "noise");
        var data = new float[x.Rows * e];
        for (int r = 0; r < x.Rows; r++)
            for (int i = 0; i < e; i++) data[r * e + i] = 1 + x.Data[r * x.Cols + i % x.Cols] + 0.3f * noise.Data[r * e + i];
        return DenseMatrix.Create(data, x.Rows, e, "emb");
    }

    private static void AssertRelative(double[] expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Count, what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.IsTrue(double.IsNaN(actual[i]), $"{what}[{i}]: expected NaN"); continue; }
            Assert.AreEqual(expected[i], actual[i], tolerance * Math.Max(1e-3, Math.Abs(expected[i])), $"{what}[{i}]");
        }
    }
}
