using MlNetConcepts.Compute;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

[TestClass]
public sealed class FusedAssignmentTests
{
    private static float[] Uniform(Random rng, int length) => Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    /// <summary>
    /// Sizes chosen to hit every edge of the fused path: rows not a multiple of 8 or of the chunk,
    /// several partitions, k = 5 and 17 (one narrow or one padded wide strip), 33 (wide + narrow),
    /// 150 at d = 768 (two centre blocks, the second ending in a narrow strip), d not a multiple of 16.
    /// </summary>
    [TestMethod]
    [DataRow(1100, 5, 13)]
    [DataRow(2600, 17, 40)]
    [DataRow(1037, 33, 7)]
    [DataRow(1100, 150, 768)]
    [DataRow(9, 3, 5)]
    public void FusedAssignmentMatchesBruteForce(int n, int k, int d)
    {
        var rng = new Random(n + k + d);
        var x = Uniform(rng, n * d);
        var c = Uniform(rng, k * d);
        var norms = SquaredDistances.RowNorms(x, n, d);
        var labels = new int[n];
        var minDist = new float[n];
        var sums = new double[k * d];
        new FusedAssignment(n, k, d).Assign(x, norms, c, labels, minDist, sums);

        var dist = new float[k];
        int checkedRows = 0;
        for (int i = 0; i < n; i++)
        {
            SquaredDistances.Reference(x.AsSpan(i * d, d), 1, c, k, d, dist);
            var sorted = dist.Order().ToArray();
            float min = sorted[0];
            // Float32 dot products can only swap centres whose true distances are this close.
            if (k == 1 || sorted[1] - min > 1e-4f * (1 + min))
            {
                Assert.AreEqual(Array.IndexOf(dist, min), labels[i], $"row {i}");
                checkedRows++;
            }
            else Assert.AreEqual(min, dist[labels[i]], 1e-4 * (1 + min), $"row {i}: a near-tie, but not a nearest centre");
            Assert.AreEqual(min, minDist[i], 1e-4 * (1 + min), $"row {i} distance");
        }
        Assert.IsGreaterThan(n * 9 / 10, checkedRows, "too few tie-free rows for the test to mean anything");

        var plain = new double[k * d];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < d; t++) plain[labels[i] * d + t] += x[i * d + t];
        for (int t = 0; t < plain.Length; t++) Assert.AreEqual(plain[t], sums[t], 1e-9 * (1 + Math.Abs(plain[t])), $"sum {t}");
    }

    [TestMethod]
    public void ResultsAreTheSameForAnyThreadCount()
    {
        int n = 3001, k = 70, d = 96;
        var rng = new Random(5);
        var x = Uniform(rng, n * d);
        var c = Uniform(rng, k * d);
        var norms = SquaredDistances.RowNorms(x, n, d);
        Assert.IsGreaterThan(1, FusedAssignment.PartitionCount(n, k, d));
        int saved = ComputeSettings.Threads;
        try
        {
            (int[] Labels, float[] Dist, double[] Sums)? first = null;
            foreach (int threads in new[] { 1, 2, 3, 5 })
            {
                ComputeSettings.Threads = threads;
                var labels = new int[n];
                var minDist = new float[n];
                var sums = new double[k * d];
                new FusedAssignment(n, k, d).Assign(x, norms, c, labels, minDist, sums);
                if (first is not { } f) { first = (labels, minDist, sums); continue; }
                CollectionAssert.AreEqual(f.Labels, labels, $"threads {threads}");
                CollectionAssert.AreEqual(f.Dist, minDist, $"threads {threads}");
                CollectionAssert.AreEqual(f.Sums, sums, $"threads {threads}: sums must be merged in a fixed order");
            }
        }
        finally { ComputeSettings.Threads = saved; }
    }

    [TestMethod]
    public void TiesGoToTheLowerIndexAcrossStrips()
    {
        // 40 centres: a wide strip (0..31) and a narrow one (32..39). Centre 35 repeats centre 1 and
        // centre 20 repeats centre 3; rows sitting on them must take 1 and 3.
        int k = 40, d = 24, n = 50;
        var rng = new Random(11);
        var c = Uniform(rng, k * d);
        c.AsSpan(1 * d, d).CopyTo(c.AsSpan(35 * d, d));
        c.AsSpan(3 * d, d).CopyTo(c.AsSpan(20 * d, d));
        var x = new float[n * d];
        for (int i = 0; i < n; i++) c.AsSpan((i % 2 == 0 ? 1 : 3) * d, d).CopyTo(x.AsSpan(i * d, d));
        var labels = new int[n];
        new FusedAssignment(n, k, d).Assign(x, SquaredDistances.RowNorms(x, n, d), c, labels, new float[n], null);
        for (int i = 0; i < n; i++) Assert.AreEqual(i % 2 == 0 ? 1 : 3, labels[i], $"row {i}");
    }

    [TestMethod]
    public void PartitionCountDependsOnSizesOnly()
    {
        Assert.AreEqual(8, FusedAssignment.PartitionCount(100_000, 100, 768)); // 8 × 0.6 MB of sums
        Assert.AreEqual(5, FusedAssignment.PartitionCount(100_000, 1000, 768)); // 6.1 MB each: 32 MiB allow 5
        Assert.AreEqual(4, FusedAssignment.PartitionCount(100_000, 10_000, 768)); // never fewer than 4 when the rows allow
        Assert.AreEqual(3, FusedAssignment.PartitionCount(1600, 10_000, 768)); // 512 rows each at least
        Assert.AreEqual(2, FusedAssignment.PartitionCount(1100, 5, 13));
        Assert.AreEqual(1, FusedAssignment.PartitionCount(9, 3, 5));
    }

    [TestMethod]
    public unsafe void AddRowWidensAndAddsEveryValue()
    {
        var rng = new Random(2);
        foreach (int d in new[] { 1, 15, 16, 17, 768, 770 })
        {
            var row = Uniform(rng, d);
            var sum = Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray();
            var expected = sum.Select((s, t) => s + row[t]).ToArray();
            fixed (float* pr = row)
            fixed (double* ps = sum)
                FusedAssignment.AddRow(pr, ps, d);
            CollectionAssert.AreEqual(expected, sum, $"d = {d}");
        }
    }
}
