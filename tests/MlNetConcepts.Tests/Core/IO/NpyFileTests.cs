using System.Buffers.Binary;
using System.Text;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class NpyFileTests
{
    [TestMethod]
    [DataRow("f4_2d.npy", NdType.Float32)]
    [DataRow("f8_1d.npy", NdType.Float64)]
    [DataRow("f2_2d.npy", NdType.Float16)]
    [DataRow("i4_3d.npy", NdType.Int32)]
    [DataRow("i8_1d.npy", NdType.Int64)]
    [DataRow("u1_2d.npy", NdType.UInt8)]
    [DataRow("b1_1d.npy", NdType.Bool)]
    [DataRow("f8_scalar.npy", NdType.Float64)]
    [DataRow("f4_empty.npy", NdType.Float32)]
    [DataRow("f4_nan.npy", NdType.Float32)]
    [DataRow("f4_v2.npy", NdType.Float32)]
    [DataRow("f4_v3.npy", NdType.Float32)]
    public void ReadsNumpyFilesExactly(string file, NdType type)
    {
        var a = NpyFile.Read(PathOf(file));
        var e = Expected(file);
        Assert.AreEqual(type, a.Type);
        CollectionAssert.AreEqual(Shape(e), a.Shape);
        // Every type converts to float64 exactly (int64 values here are below 2^53), so compare bit-for-bit.
        CollectionAssert.AreEqual(Values(e), a.ToFloat64());
    }

    [TestMethod]
    public void VersionBytesOfTheFixturesAreTheOnesTested()
    {
        // Guards the v2/v3 tests above against numpy silently writing 1.0 headers.
        Assert.AreEqual(2, File.ReadAllBytes(PathOf("f4_v2.npy"))[6]);
        Assert.AreEqual(3, File.ReadAllBytes(PathOf("f4_v3.npy"))[6]);
    }

    [TestMethod]
    [DataRow("f4_2d.npy")]
    [DataRow("i4_3d.npy")]
    [DataRow("i8_1d.npy")]
    [DataRow("f8_1d.npy")]
    [DataRow("u1_2d.npy")]
    [DataRow("b1_1d.npy")]
    [DataRow("f4_empty.npy")]
    [DataRow("f8_scalar.npy")]
    public void WriterOutputIsByteIdenticalToNumpys(string file)
    {
        // numpy.save pads version 1.0 headers the same way (dict, spaces, newline, 64-byte aligned),
        // so writing back what was read must reproduce numpy's file exactly.
        var a = NpyFile.Read(PathOf(file));
        using var dir = NewTempDir();
        var path = dir.File("out.npy");
        NpyFile.Write(path, a);
        CollectionAssert.AreEqual(File.ReadAllBytes(PathOf(file)), File.ReadAllBytes(path));
        Assert.AreEqual(1, dir.Entries().Length, "no temporary file may be left behind");
    }

    [TestMethod]
    public void RoundTripsMatrixAndVectorHelpers()
    {
        using var dir = NewTempDir();
        var data = Enumerable.Range(0, 12).Select(i => i * 0.5f - 3).ToArray();
        NpyFile.WriteMatrix(dir.File("m.npy"), data, 4, 3);
        var back = NpyFile.ReadMatrix(dir.File("m.npy"), out int rows, out int cols);
        Assert.AreEqual((4, 3), (rows, cols));
        CollectionAssert.AreEqual(data, back);
        int[] ids = [5, -7, int.MaxValue, int.MinValue];
        NpyFile.WriteVector(dir.File("v.npy"), ids);
        var v = NpyFile.Read(dir.File("v.npy"));
        CollectionAssert.AreEqual(new long[] { 4 }, v.Shape);
        CollectionAssert.AreEqual(ids, (int[])v.Data);
    }

    [TestMethod]
    public void LongHeadersSwitchToVersion2()
    {
        // A shape with many dimensions makes the dict longer than a 16-bit length allows (numpy
        // itself caps ndim, so this only exercises the writer/reader pair, not numpy compatibility).
        var shape = Enumerable.Repeat(1L, 25000).ToArray();
        using var dir = NewTempDir();
        NpyFile.Write(dir.File("wide.npy"), new NdArray(NdType.Float32, shape, new float[] { 2.5f }));
        var bytes = File.ReadAllBytes(dir.File("wide.npy"));
        Assert.AreEqual(2, bytes[6]);
        int headerLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        Assert.AreEqual(0, (12 + headerLen) % 64, "data must start 64-byte aligned");
        var back = NpyFile.Read(dir.File("wide.npy"));
        Assert.AreEqual(25000, back.Rank);
        Assert.AreEqual(2.5f, ((float[])back.Data)[0]);
    }

    [TestMethod]
    public void FortranOrderIsRefusedWithAdvice()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpyFile.Read(PathOf("fortran.npy")));
        StringAssert.Contains(e.Message, "fortran.npy");
        StringAssert.Contains(e.Message, "Fortran-order arrays are not supported");
    }

    [TestMethod]
    public void BigEndianIsRefused()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpyFile.Read(PathOf("bigendian.npy")));
        StringAssert.Contains(e.Message, "bigendian.npy");
        StringAssert.Contains(e.Message, "big-endian dtype '>f4'");
    }

    [TestMethod]
    public void AnyNonzeroBoolByteIsTrue()
    {
        // numpy.frombuffer(b"\x00\x02\xff", bool) is [False, True, True]; .NET bools must come out as 0/1.
        using var dir = NewTempDir();
        var path = dir.File("odd.npy");
        var bytes = File.ReadAllBytes(PathOf("b1_1d.npy"));
        bytes[^6] = 2;
        bytes[^5] = 0xFF;
        File.WriteAllBytes(path, bytes);
        var a = (bool[])NpyFile.Read(path).Data;
        CollectionAssert.AreEqual(new[] { true, true, true, true, false, false }, a);
        Assert.AreEqual(4, a.Count(b => b));
    }

    // ---- corrupt files: each case names the file and the problem ----

    private static ConceptDataException ReadDamaged(Func<byte[], byte[]> damage, out string path, FormatFixtures.TempDir dir, string fixture = "f4_2d.npy")
    {
        path = dir.File("damaged.npy");
        File.WriteAllBytes(path, damage(File.ReadAllBytes(PathOf(fixture))));
        var p = path;
        return Assert.ThrowsExactly<ConceptDataException>(() => NpyFile.Read(p));
    }

    [TestMethod]
    public void BadMagic()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(b => { b[1] = (byte)'X'; return b; }, out var path, dir);
        Assert.AreEqual($"{path}: not a .npy file (bad magic string).", e.Message);
    }

    [TestMethod]
    public void TruncatedData()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(b => b[..^5], out var path, dir);
        Assert.AreEqual($"{path}: truncated data: shape (5, 3) of <f4 needs 60 bytes but only 55 follow the header.", e.Message);
    }

    [TestMethod]
    public void HeaderLengthPastEndOfFile()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(b => { BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), 60000); return b; }, out var path, dir);
        StringAssert.StartsWith(e.Message, $"{path}: .npy header length 60000 runs past the end of the file");
    }

    [TestMethod]
    public void FileEndingInsideThePreamble()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(b => b[..9], out var path, dir);
        StringAssert.StartsWith(e.Message, $"{path}: truncated .npy header");
    }

    [TestMethod]
    public void ShapeSizeMismatch()
    {
        // The header claims (5, 3) but 4 more floats follow than that needs.
        using var dir = NewTempDir();
        var e = ReadDamaged(b => [.. b, .. new byte[16]], out var path, dir);
        Assert.AreEqual($"{path}: shape/size mismatch: shape (5, 3) of <f4 needs 60 bytes but 76 follow the header.", e.Message);
    }

    private static Func<byte[], byte[]> ReplaceInHeader(string from, string to) => b =>
    {
        var text = Encoding.Latin1.GetString(b, 0, 128);
        int at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.IsTrue(at >= 0, $"'{from}' not in the fixture header");
        Assert.AreEqual(from.Length, to.Length, "keep the header length");
        Encoding.Latin1.GetBytes(to).CopyTo(b, at);
        return b;
    };

    [TestMethod]
    [DataRow("'shape': (5, 3)", "'shape': [5, 3]", "expected '(' at position")]
    [DataRow("'shape': (5, 3)", "'shape': (5, x)", "shape entry 'x' is not an integer")]
    [DataRow("'fortran_order': False", "'fortran_order': Nope!", "fortran_order is neither True nor False")]
    [DataRow("'descr'", "'dtype'", "unexpected key 'dtype'")]
    [DataRow("{'descr'", "['descr'", "the header is not a dict literal")]
    [DataRow("'<f4'", "'<c8'", "unsupported dtype '<c8'")]
    [DataRow("(5, 3)", "(-5, 3", "malformed .npy header")]
    public void MalformedHeader(string from, string to, string expected)
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(ReplaceInHeader(from, to), out var path, dir);
        StringAssert.StartsWith(e.Message, path + ": ");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void NegativeDimension()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(ReplaceInHeader("(5, 3)", "(-5,3)"), out var path, dir);
        Assert.AreEqual($"{path}: negative dimension in .npy shape (-5, 3).", e.Message);
    }

    [TestMethod]
    public void UnsupportedVersion()
    {
        using var dir = NewTempDir();
        var e = ReadDamaged(b => { b[6] = 4; return b; }, out var path, dir);
        Assert.AreEqual($"{path}: unsupported .npy version 4.0 (1.0, 2.0 and 3.0 are read).", e.Message);
    }

    [TestMethod]
    public void MissingFileIsAUserError()
    {
        var e = Assert.ThrowsExactly<ConceptDataException>(() => NpyFile.Read("/nonexistent/x.npy"));
        Assert.AreEqual("/nonexistent/x.npy: file not found.", e.Message);
    }
}
