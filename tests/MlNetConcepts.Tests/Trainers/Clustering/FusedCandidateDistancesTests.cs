using MlNetConcepts.Compute;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>
/// Greedy k-means++ with the fused candidate distances against the SGEMM reference
/// (<see cref="GemmCandidateDistances"/>), and the fused dot product against double precision.
/// </summary>
[TestClass]
public sealed unsafe class FusedCandidateDistancesTests
{
    private static float[] Gaussian(Random rng, int length)
        => Enumerable.Range(0, length).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();

    private static (float[] Centres, List<double[]> Potentials) Seed(float[] x, int n, int d, int k, LloydPath path, int seed)
    {
        var potentials = new List<double[]>();
        var centres = KMeansPlusPlus.Seed(new InMemoryRows(x, SquaredDistances.RowNorms(x, n, d), n, d), k, new Random(seed), path,
            (_, p) => potentials.Add((double[])p.Clone()));
        return (centres, potentials);
    }

    /// <summary>
    /// Overlapping Gaussian rows (no cluster structure, so the candidates' potentials are close): d below,
    /// at and above the vector width and not a multiple of it, several chunks, k = 1 and k = rows. The two
    /// paths round differently, so the centres are the same rows and the potentials agree to 1e-6 relative,
    /// plus 1e-6 of Σ‖x‖² (both expand ‖x‖² + ‖c‖² − 2·x·c in float32, which loses that much when the
    /// remaining potential is small beside the norms, as near k = rows).
    /// </summary>
    /// <remarks>With <paramref name="blobs"/> the rows sit around that many centres 4 apart per coordinate,
    /// where most pairs are ruled out by the triangle inequality once each blob has a centre.</remarks>
    [TestMethod]
    [DataRow(500, 7, 5, 0)]
    [DataRow(2500, 33, 20, 0)]
    [DataRow(3100, 100, 12, 0)]
    [DataRow(1200, 256, 30, 0)]
    [DataRow(64, 16, 1, 0)]
    [DataRow(40, 19, 40, 0)]
    [DataRow(300, 1, 9, 0)]
    [DataRow(4000, 24, 40, 25)]
    [DataRow(3000, 70, 15, 30)]
    public void FusedSeedingChoosesTheReferenceCentres(int n, int d, int k, int blobs)
    {
        var rng = new Random(n * 31 + d);
        var x = Gaussian(rng, n * d);
        if (blobs > 0)
        {
            var mu = Gaussian(rng, blobs * d);
            for (int i = 0; i < n; i++) for (int p = 0; p < d; p++) x[i * d + p] += 4 * mu[i % blobs * d + p];
        }
        var (fused, fusedPotentials) = Seed(x, n, d, k, LloydPath.Fused, 7);
        var (reference, referencePotentials) = Seed(x, n, d, k, LloydPath.Reference, 7);
        CollectionAssert.AreEqual(reference, fused);
        Assert.HasCount(k - 1, fusedPotentials);
        double scale = SquaredDistances.RowNorms(x, n, d).Sum(v => (double)v);
        for (int c = 0; c < fusedPotentials.Count; c++)
            for (int t = 0; t < fusedPotentials[c].Length; t++)
            {
                double a = fusedPotentials[c][t], b = referencePotentials[c][t];
                Assert.AreEqual(b, a, 1e-6 * (Math.Abs(b) + scale), $"step {c}, candidate {t}");
            }
    }

    /// <summary>Chunks are fixed and merged in order: 1, 2 and 3 workers give the same potentials and centres bit for bit.</summary>
    [TestMethod]
    public void FusedSeedingDoesNotDependOnTheThreadCount()
    {
        const int n = 5000, d = 40, k = 25;
        var x = Gaussian(new Random(3), n * d);
        int saved = ComputeSettings.Threads;
        try
        {
            ComputeSettings.Threads = 1;
            var (one, onePotentials) = Seed(x, n, d, k, LloydPath.Fused, 5);
            foreach (int threads in new[] { 2, 3 })
            {
                ComputeSettings.Threads = threads;
                var (many, manyPotentials) = Seed(x, n, d, k, LloydPath.Fused, 5);
                CollectionAssert.AreEqual(one, many, $"{threads} threads");
                for (int c = 0; c < onePotentials.Count; c++) CollectionAssert.AreEqual(onePotentials[c], manyPotentials[c], $"{threads} threads, step {c}");
            }
        }
        finally { ComputeSettings.Threads = saved; }
    }

    /// <summary>
    /// The 4 × 2 and 4 × 1 kernels sum every pair in the order of <see cref="FusedCandidateDistances.Dot"/>, so each
    /// stored distance equals the pairwise definition exactly (an odd candidate count, rows not a multiple of 4 or
    /// of the chunk, d with a tail); the potentials equal Σ min(closest, distance) taken row by row in double.
    /// With a centre already chosen (two groups of rows 10 apart per coordinate, the centre in one), pairs the
    /// triangle inequality rules out are stored as +∞, and each of them is truly no nearer than the row's closest
    /// distance (checked in double precision); some are ruled out and some are not.
    /// </summary>
    [TestMethod]
    [DataRow(1030, 37, 7, false)]
    [DataRow(1030, 37, 7, true)]
    [DataRow(2051, 256, 6, true)]
    [DataRow(3, 5, 1, false)]
    public void ScoreStoresThePairwiseDistancesAndTheirPotentials(int n, int d, int count, bool withCentre)
    {
        var rng = new Random(n + d);
        var x = Gaussian(rng, n * d);
        for (int i = 0; i < n; i++) for (int p = 0; p < d; p++) x[i * d + p] += i % 2 == 0 ? 5 : -5;
        var candidates = Enumerable.Range(0, count).SelectMany(t => x.AsSpan((2 * t + 3) * d % (n * d), d).ToArray()).ToArray();
        var centre = x[..d];
        var xNorms = SquaredDistances.RowNorms(x, n, d);
        var cNorms = SquaredDistances.RowNorms(candidates, count, d);
        var distances = new FusedCandidateDistances(new InMemoryRows(x, xNorms, n, d));
        float[] closest;
        if (withCentre)
        {
            closest = Enumerable.Repeat(float.PositiveInfinity, n).ToArray();
            distances.Fold(centre, 0, centre, [xNorms[0]], 1, 0, closest, null);
        }
        else closest = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 300 * d)).ToArray();
        var all = new float[n * count];
        var potentials = new double[count];
        distances.Score(centre, withCentre ? 1 : 0, candidates, cNorms, count, closest, all, potentials);
        var expected = new double[count];
        int pruned = 0;
        fixed (float* px = x, pc = candidates)
            for (int i = 0; i < n; i++)
                for (int t = 0; t < count; t++)
                {
                    float stored = all[i * count + t];
                    if (float.IsPositiveInfinity(stored))
                    {
                        pruned++;
                        double exact = SquaredDistances.Between(x.AsSpan(i * d, d), candidates.AsSpan(t * d, d));
                        Assert.IsGreaterThanOrEqualTo(closest[i] * (1 - 1e-5), exact, $"row {i}, candidate {t} was ruled out");
                    }
                    else Assert.AreEqual(FusedCandidateDistances.Distance(px + i * d, xNorms[i], pc + t * d, cNorms[t], d), stored, $"row {i}, candidate {t}");
                    expected[t] += Math.Min(closest[i], stored);
                }
        for (int t = 0; t < count; t++) Assert.AreEqual(expected[t], potentials[t], 1e-12 * expected[t], $"candidate {t}");
        if (withCentre) Assert.IsTrue(pruned > 0 && pruned < n * count, $"{pruned} of {n * count} pairs ruled out");
        else Assert.AreEqual(0, pruned);

        // The second pass of a streamed step recomputes the chosen candidate's distances: the same values.
        var folded = (float[])closest.Clone();
        distances.Fold(centre, withCentre ? 1 : 0, candidates, cNorms, count, count - 1, folded, null);
        for (int i = 0; i < n; i++) Assert.AreEqual(Math.Min(closest[i], all[i * count + count - 1]), folded[i], $"row {i}");
    }

    /// <summary>The fused float32 dot product and distance against double-precision sums, for d around the 16- and 64-wide steps.</summary>
    [TestMethod]
    public void DotAndDistanceMatchDoublePrecision()
    {
        var rng = new Random(11);
        foreach (int d in new[] { 1, 5, 15, 16, 17, 63, 64, 65, 130, 256, 777 })
        {
            var a = Gaussian(rng, d);
            var b = Gaussian(rng, d);
            double exact = 0, scale = 0;
            for (int t = 0; t < d; t++) { exact += (double)a[t] * b[t]; scale += Math.Abs((double)a[t] * b[t]); }
            float an = (float)SquaredDistances.SquaredNorm(a), bn = (float)SquaredDistances.SquaredNorm(b);
            fixed (float* pa = a, pb = b)
            {
                Assert.AreEqual(exact, FusedCandidateDistances.Dot(pa, pb, d), 1e-6 * scale, $"d = {d}");
                double between = SquaredDistances.Between(a, b);
                Assert.AreEqual(between, FusedCandidateDistances.Distance(pa, an, pb, bn, d), 1e-5 * (an + bn), $"d = {d}");
                Assert.AreEqual(0f, FusedCandidateDistances.Distance(pa, an, pa, an, d), 1e-5 * an, $"d = {d}: a row's distance to itself");
            }
        }
    }
}
