using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Clustering;

namespace MlNetConcepts.Tests.Trainers.Clustering;

/// <summary>Seeded Gaussian-like blobs for the k-means tests, written to a temporary <c>.npy</c> when a test streams or maps them.</summary>
internal static class ClusterBlobs
{
    /// <summary>n × d rows around <paramref name="centres"/> centres drawn in [-4, 4)^d, each row its centre plus uniform(-1, 1) noise.</summary>
    public static float[] Make(int n, int d, int centres, int seed)
    {
        var rng = new Random(seed);
        var mu = Enumerable.Range(0, centres * d).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(centres);
            for (int t = 0; t < d; t++) x[i * d + t] = mu[c * d + t] + (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }

    /// <summary>Writes x as <c>x.npy</c> in a new temporary folder; <see cref="Delete"/> removes the folder.</summary>
    public static string WriteNpy(float[] x, int n, int d)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlnc-blobs-").FullName, "x.npy");
        NpyFile.WriteMatrix(path, x, n, d);
        return path;
    }

    /// <summary>Removes the folder <see cref="WriteNpy"/> made.</summary>
    public static void Delete(string path) => Directory.Delete(Path.GetDirectoryName(path)!, true);

    /// <summary>Asserts a run over rows read some other way equals the in-memory run bit for bit and the brute-force run's labels and inertia.</summary>
    public static void AssertSameAsInMemory(ClusteringResult whole, ClusteringResult brute, ClusteringResult got)
    {
        CollectionAssert.AreEqual(whole.Centroids, got.Centroids);
        CollectionAssert.AreEqual(whole.Labels, got.Labels);
        CollectionAssert.AreEqual(brute.Labels, got.Labels);
        Assert.AreEqual(brute.Inertia, got.Inertia, 1e-9 * brute.Inertia);
    }
}
