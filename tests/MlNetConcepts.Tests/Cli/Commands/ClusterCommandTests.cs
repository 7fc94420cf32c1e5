using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Models;
using MlNetConcepts.Tests.Trainers.Clustering;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
public sealed class ClusterCommandTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("mlnc-cluster-").FullName;

    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { return (MlncApp.Run(args), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [TestMethod]
    public void EveryMethodWritesConsistentOutputs()
    {
        string x = ClusterFixtures.PathOf("blobs_x.npy"), y = ClusterFixtures.PathOf("blobs_y.npy");
        var data = NpyFile.ReadMatrix(x, out int n, out int d);
        foreach (var method in new[] { "kmeans", "spherical", "minibatch", "agglomerative" })
        {
            string dir = TempDir();
            try
            {
                var (code, err) = Run("cluster", "--activations", x, "--method", method, "--k", "5", "--labels", y, "--seed", "3", "--out", dir);
                Assert.AreEqual(0, code, err);
                if (method == "kmeans") StringAssert.Contains(err, "kmeans: restart 3/3");
                if (method == "minibatch") StringAssert.Contains(err, "minibatch: epoch 1/");
                var centroids = NpyFile.Read(Path.Combine(dir, "centroids.npy"));
                CollectionAssert.AreEqual(new long[] { 5, d }, centroids.Shape.ToArray());
                var labels = NpyFile.Read(Path.Combine(dir, "labels.npy")).ToInt32();
                Assert.AreEqual(n, labels.Length);
                var membership = NpyFile.ReadMatrix(Path.Combine(dir, "membership.npy"), out int mr, out int mc);
                Assert.AreEqual(n, mr);
                Assert.AreEqual(5, mc);
                var model = (ClusteringTransformer)ModelArchive.Load(Path.Combine(dir, "model.mlnc"));
                CollectionAssert.AreEqual(model.Predict(data, n).Membership, membership);
                var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
                Assert.AreEqual(method, report["method"]!.GetValue<string>());
                double ari = report["adjustedRandIndex"]!.GetValue<double>();
                Assert.AreEqual(ClusterQuality.AdjustedRandIndex(ClusterFixtures.Ints("blobs_y.npy"), labels), ari, 1e-12);
                Assert.IsGreaterThanOrEqualTo(0.99, ari, method);
                Assert.IsNotNull(report["silhouette"]);
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [TestMethod]
    public void BadInputExitsWithCodeTwoAndOneLine()
    {
        string x = ClusterFixtures.PathOf("agglo_x.npy");
        string dir = TempDir();
        try
        {
            var (code, err) = Run("cluster", "--activations", x, "--k", "500", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "only 160 rows");
            (code, err) = Run("cluster", "--activations", x, "--method", "agglomerative", "--k", "3", "--max-rows", "100", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "exceed the limit of 100");
            (code, err) = Run("cluster", "--activations", x, "--method", "fuzzy", "--k", "3", "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "--method must be");
            (code, err) = Run("cluster", "--activations", x, "--k", "3", "--labels", ClusterFixtures.PathOf("blobs_y.npy"), "--out", dir);
            Assert.AreEqual(2, code);
            StringAssert.Contains(err, "expected (160,)");
        }
        finally { Directory.Delete(dir, true); }
    }
}
