using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class ArrayFilesTests
{
    [TestMethod]
    [DataRow("f4_2d.npy", ArrayFileFormat.Npy)]
    [DataRow("stored.npz", ArrayFileFormat.Npz)]
    [DataRow("all_dtypes.safetensors", ArrayFileFormat.SafeTensors)]
    [DataRow("images-idx3-ubyte", ArrayFileFormat.Idx)]
    [DataRow("labels-idx1-ubyte.gz", ArrayFileFormat.Idx)]
    public void DetectsFormats(string file, ArrayFileFormat format) => Assert.AreEqual(format, ArrayFiles.DetectFormat(PathOf(file)));

    [TestMethod]
    [DataRow("f4_2d.npy", ArrayFileFormat.Npy)]
    [DataRow("stored.npz", ArrayFileFormat.Npz)]
    [DataRow("all_dtypes.safetensors", ArrayFileFormat.SafeTensors)]
    public void DetectsFormatsByContentWithoutExtension(string file, ArrayFileFormat format)
    {
        using var dir = NewTempDir();
        Assert.AreEqual(format, ArrayFiles.DetectFormat(CopyTo(dir, file, "noext")));
    }

    [TestMethod]
    public void StreamedStatisticsCrossChunkBoundaries()
    {
        // 700 000 float32 values span three 1 MiB chunks of the streaming summary.
        using var dir = NewTempDir();
        var path = dir.File("big.npy");
        var r = new Random(5);
        var data = Enumerable.Range(0, 700_000).Select(i => i == 123_456 || i == 400_001 ? float.NaN : (float)(r.NextDouble() * 10 - 2)).ToArray();
        NpyFile.WriteMatrix(path, data, 7000, 100);
        var s = ArrayFiles.Summarize(path).Arrays.Single().Statistics;
        var finite = data.Where(v => !float.IsNaN(v)).Select(v => (double)v).ToArray();
        Assert.AreEqual(700_000, s.Count);
        Assert.AreEqual(2, s.NaNCount);
        Assert.AreEqual(finite.Min(), s.Min);
        Assert.AreEqual(finite.Max(), s.Max);
        Assert.AreEqual(finite.Average(), s.Mean, 1e-12 * Math.Abs(finite.Average()));
    }
}
