using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class NpyStreamWriterTests
{
    private static float[] Rows(int rows, int width, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows * width).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
    }

    [TestMethod]
    public void CompletedFileHoldsExactlyTheAppendedRows()
    {
        using var dir = NewTempDir();
        var path = dir.File("stream.npy");
        var expected = new List<float>();
        using (var w = new NpyStreamWriter(path, width: 5))
        {
            foreach (var (n, seed) in new[] { (3, 1), (0, 2), (1, 3), (17, 4) })
            {
                var block = Rows(n, 5, seed);
                w.Append(block);
                expected.AddRange(block);
            }
            Assert.AreEqual(21, w.RowsWritten);
            Assert.IsFalse(File.Exists(path), "the target appears only on Complete");
            w.Complete();
        }
        var a = NpyFile.Read(path);
        CollectionAssert.AreEqual(new long[] { 21, 5 }, a.Shape);
        CollectionAssert.AreEqual(expected, (float[])a.Data);
        CollectionAssert.AreEqual(new[] { "stream.npy" }, dir.Entries());
        // The reserved header is still a valid, 64-byte aligned numpy header.
        var bytes = File.ReadAllBytes(path);
        Assert.AreEqual(0, (bytes.Length - 21 * 5 * 4) % 64);
    }

    [TestMethod]
    public void MappedReadOfAStreamedFileWorks()
    {
        using var dir = NewTempDir();
        var path = dir.File("big.npy");
        var data = Rows(1000, 8, 9);
        using (var w = new NpyStreamWriter(path, 8))
        {
            for (int r = 0; r < 1000; r += 128) w.Append(data.AsSpan(r * 8, Math.Min(128, 1000 - r) * 8));
            w.Complete();
        }
        using var m = NpyMappedMatrix.Open(path);
        CollectionAssert.AreEqual(data, m.ReadAll());
    }

    [TestMethod]
    public void DisposingWithoutCompleteLeavesNothingBehind()
    {
        using var dir = NewTempDir();
        var path = dir.File("never.npy");
        using (var w = new NpyStreamWriter(path, 3))
        {
            w.Append(Rows(4, 3, 1));
            Assert.IsTrue(File.Exists(w.PartialPath), "rows go to a temporary file");
        }
        CollectionAssert.AreEqual(Array.Empty<string>(), dir.Entries());
    }

    [TestMethod]
    public void AnExistingTargetSurvivesAnAbortedRewrite()
    {
        using var dir = NewTempDir();
        var path = dir.File("keep.npy");
        NpyFile.WriteMatrix(path, [1, 2, 3, 4], 2, 2);
        var before = File.ReadAllBytes(path);
        using (var w = new NpyStreamWriter(path, 2)) w.Append(Rows(5, 2, 3));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "keep.npy" }, dir.Entries());
    }

    [TestMethod]
    public void IntegerVectorsStreamAsOneDimensionalFiles()
    {
        using var dir = NewTempDir();
        var path = dir.File("ids.npy");
        using (var w = new NpyStreamWriter(path, NdType.Int64, []))
        {
            w.Append([1L, 2L]);
            w.Append([long.MaxValue]);
            w.Complete();
        }
        var a = NpyFile.Read(path);
        CollectionAssert.AreEqual(new long[] { 3 }, a.Shape);
        CollectionAssert.AreEqual(new[] { 1L, 2L, long.MaxValue }, (long[])a.Data);
    }

    [TestMethod]
    public void PartialRowsAndWrongTypesAreRejected()
    {
        using var dir = NewTempDir();
        using var w = new NpyStreamWriter(dir.File("x.npy"), 4);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => w.Append(new float[6]));
        StringAssert.Contains(e.Message, "6 values do not divide into rows of 4");
        Assert.ThrowsExactly<ArgumentException>(() => w.Append(new int[4]));
    }

    [TestMethod]
    public void ResumableWriterContinuesAfterTheLastWholeRow()
    {
        using var dir = NewTempDir();
        var path = dir.File("resume.npy");
        var first = Rows(6, 3, 1);
        using (var w = new NpyStreamWriter(path, 3, resumable: true))
        {
            w.Append(first);
            w.Flush();
        } // interrupted: the partial file stays for the next run
        Assert.IsTrue(File.Exists(NpyStreamWriter.PartialPathFor(path)));
        Assert.IsFalse(File.Exists(path));
        // Simulate a crash in the middle of a row: two stray floats at the end.
        using (var f = new FileStream(NpyStreamWriter.PartialPathFor(path), FileMode.Append)) f.Write(new byte[8]);

        var second = Rows(2, 3, 2);
        using (var w = new NpyStreamWriter(path, 3, resumable: true))
        {
            Assert.AreEqual(6, w.RowsWritten);
            w.Append(second);
            w.Complete();
        }
        var a = NpyFile.Read(path);
        CollectionAssert.AreEqual(new long[] { 8, 3 }, a.Shape);
        CollectionAssert.AreEqual(first.Concat(second).ToArray(), (float[])a.Data);
        CollectionAssert.AreEqual(new[] { "resume.npy" }, dir.Entries());
    }

    [TestMethod]
    public void ResumingWithAnotherRowShapeIsRefused()
    {
        using var dir = NewTempDir();
        var path = dir.File("r.npy");
        using (var w = new NpyStreamWriter(path, 3, resumable: true)) w.Append(Rows(1, 3, 1));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new NpyStreamWriter(path, 4, resumable: true));
        StringAssert.Contains(e.Message, "cannot resume");
        StringAssert.Contains(e.Message, "r.npy.partial");
    }

    [TestMethod]
    public void ResumingFromACheckpointDropsRowsWrittenAfterIt()
    {
        using var dir = NewTempDir();
        var path = dir.File("c.npy");
        using (var w = new NpyStreamWriter(path, 2, resumable: true))
            w.Append([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f]); // 5 rows; a checkpoint recorded only 3
        using (var w = new NpyStreamWriter(path, 2, resumable: true))
        {
            Assert.AreEqual(5, w.RowsWritten);
            w.DropRowsAfter(3);
            w.Append([60f, 70f]);
            w.Complete();
        }
        var a = NpyFile.Read(path);
        CollectionAssert.AreEqual(new long[] { 4, 2 }, a.Shape);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f, 4f, 5f, 60f, 70f }, (float[])a.Data);

        using var again = new NpyStreamWriter(dir.File("d.npy"), 2, resumable: true);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => again.DropRowsAfter(1));
        StringAssert.Contains(e.Message, "promises 1 rows but the partial file holds 0");
    }
}
