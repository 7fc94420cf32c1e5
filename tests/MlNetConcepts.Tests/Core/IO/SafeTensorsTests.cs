using System.Buffers.Binary;
using System.Text;
using MlNetConcepts.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;

namespace MlNetConcepts.Tests.Core.IO;

[TestClass]
public sealed class SafeTensorsTests
{
    private static readonly (string Name, NdType Type)[] Tensors =
    [
        ("dense.weight", NdType.Float32), ("half", NdType.Float16), ("brain", NdType.BFloat16), ("double", NdType.Float64),
        ("big_ints", NdType.Int64), ("ints", NdType.Int32), ("bytes", NdType.UInt8), ("flags", NdType.Bool),
    ];

    [TestMethod]
    public void ReadsEveryDtypeAndTheMetadata()
    {
        var st = SafeTensors.ReadFile(PathOf("all_dtypes.safetensors"));
        var expected = Expected("all_dtypes.safetensors");
        CollectionAssert.AreEquivalent(Tensors.Select(t => t.Name).ToArray(), st.Tensors.Keys.ToArray());
        foreach (var (name, type) in Tensors)
        {
            var a = st[name];
            var e = (System.Text.Json.Nodes.JsonObject)expected["tensors"]![name]!;
            Assert.AreEqual(type, a.Type, name);
            CollectionAssert.AreEqual(Shape(e), a.Shape, name);
            // bfloat16 values in the JSON are numpy's widening of the same bit patterns.
            CollectionAssert.AreEqual(Values(e), a.ToFloat64(), name);
        }
        Assert.AreEqual("pt", st.Metadata["format"]);
        Assert.AreEqual("formats.py", st.Metadata["source"]);
    }

    [TestMethod]
    public void WriterReproducesTheSpecWritersBytes()
    {
        // The fixture was written from the published layout by an independent Python writer
        // (compact JSON, metadata first, space padding to 8 bytes); writing the same tensors in
        // the same order must give the same file.
        var path = PathOf("all_dtypes.safetensors");
        var st = SafeTensors.ReadFile(path);
        var ordered = Tensors.Select(t => new KeyValuePair<string, NdArray>(t.Name, st[t.Name]));
        using var ms = new MemoryStream();
        SafeTensors.Write(ms, ordered, new Dictionary<string, string> { ["format"] = "pt", ["source"] = "formats.py" });
        CollectionAssert.AreEqual(File.ReadAllBytes(path), ms.ToArray());
    }

    [TestMethod]
    public void RoundTripsF32AndI64ThroughAFile()
    {
        using var dir = NewTempDir();
        var w = NdArray.FromFloats([1.5f, -2, float.NaN, 1e-30f, 7, 8], 2, 3);
        var ids = NdArray.FromInt64s([long.MinValue, 0, long.MaxValue], 3);
        SafeTensors.WriteFile(dir.File("m.safetensors"), [new("w", w), new("ids", ids)], new Dictionary<string, string> { ["k"] = "v é" });
        var back = SafeTensors.ReadFile(dir.File("m.safetensors"));
        CollectionAssert.AreEqual((float[])w.Data, (float[])back["w"].Data);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, back["w"].Shape);
        CollectionAssert.AreEqual((long[])ids.Data, (long[])back["ids"].Data);
        Assert.AreEqual("v é", back.Metadata["k"]);
        var bytes = File.ReadAllBytes(dir.File("m.safetensors"));
        Assert.AreEqual(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8, "data section stays 8-byte aligned");
        CollectionAssert.AreEqual(new[] { "m.safetensors" }, dir.Entries());
    }

    [TestMethod]
    public void MissingTensorListsThePresentOnes()
    {
        var st = SafeTensors.ReadFile(PathOf("all_dtypes.safetensors"));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => st["W_enc"]);
        StringAssert.Contains(e.Message, "no tensor named 'W_enc'");
        StringAssert.Contains(e.Message, "dense.weight");
    }

    // ---- corrupt inputs, built byte by byte ----

    private static byte[] Build(string headerJson, int dataBytes, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Fail(byte[] bytes) => Assert.ThrowsExactly<ConceptDataException>(() => SafeTensors.Read(bytes, "t.safetensors")).Message;

    [TestMethod]
    public void OverlappingOffsets()
    {
        var msg = Fail(Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12));
        Assert.AreEqual("t.safetensors: tensors 'a' and 'b' have overlapping data_offsets.", msg);
    }

    [TestMethod]
    public void OffsetsOutOfBounds()
    {
        var msg = Fail(Build("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 12));
        Assert.AreEqual("t.safetensors: tensor 'a' data_offsets [0, 16] are outside the 12-byte data section.", msg);
    }

    [TestMethod]
    public void SizeDoesNotMatchShapeTimesDtype()
    {
        var msg = Fail(Build("""{"a":{"dtype":"I64","shape":[2,2],"data_offsets":[0,16]}}""", 16));
        Assert.AreEqual("t.safetensors: tensor 'a' with shape (2, 2) and dtype I64 needs 32 bytes but its data_offsets span 16.", msg);
    }

    [TestMethod]
    public void HugeHeaderIsRefusedBeforeAllocating()
    {
        var msg = Fail(Build("{}", 0, declaredLength: 1UL << 40));
        Assert.AreEqual($"t.safetensors: safetensors header of {1UL << 40} bytes exceeds the 100000000-byte limit.", msg);
    }

    [TestMethod]
    public void HeaderLengthPastEndOfFile()
    {
        var msg = Fail(Build("{}", 0, declaredLength: 50));
        Assert.AreEqual("t.safetensors: safetensors header length 50 runs past the end of the file (10 bytes).", msg);
    }

    [TestMethod]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]""", "is not valid JSON")]
    [DataRow("""[1,2]""", "header is not a JSON object")]
    [DataRow("""{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}""", "tensor 'a' has unsupported dtype 'C64'")]
    [DataRow("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "tensor 'a' has a negative dimension")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", "tensor 'a' has no valid shape (entry 0 is not an integer)")]
    [DataRow("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}""", "tensor 'a' has no valid data_offsets")]
    [DataRow("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}""", "is too large")]
    [DataRow("""{"__metadata__":{"n":3}}""", "__metadata__ value 'n' is not a string")]
    [DataRow("""{"__metadata__":"x"}""", "__metadata__ is not a JSON object")]
    [DataRow("""{"a":5}""", "entry 'a' is not an object")]
    public void MalformedHeaders(string json, string expected)
    {
        var msg = Fail(Build(json, 8));
        StringAssert.StartsWith(msg, "t.safetensors: ");
        StringAssert.Contains(msg, expected);
    }

    [TestMethod]
    public void RepeatedTensorName()
    {
        var msg = Fail(Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2));
        StringAssert.StartsWith(msg, "t.safetensors: ");
    }

    [TestMethod]
    public void FileReaderAppliesTheSameChecks()
    {
        using var dir = NewTempDir();
        var path = dir.File("o.safetensors");
        System.IO.File.WriteAllBytes(path, Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SafeTensors.ReadFile(path));
        Assert.AreEqual($"{path}: tensors 'a' and 'b' have overlapping data_offsets.", e.Message);

        var full = System.IO.File.ReadAllBytes(PathOf("all_dtypes.safetensors"));
        System.IO.File.WriteAllBytes(path, full[..^3]);
        e = Assert.ThrowsExactly<ConceptDataException>(() => SafeTensors.ReadFile(path));
        StringAssert.StartsWith(e.Message, $"{path}: tensor 'flags' data_offsets");
        StringAssert.Contains(e.Message, "are outside the");

        System.IO.File.WriteAllBytes(path, full[..40]);
        e = Assert.ThrowsExactly<ConceptDataException>(() => SafeTensors.ReadFile(path));
        StringAssert.StartsWith(e.Message, $"{path}: safetensors header length");
        StringAssert.Contains(e.Message, "runs past the end of the file (40 bytes)");
    }

    [TestMethod]
    public void TooShortForTheLengthPrefix()
    {
        Assert.AreEqual("t.safetensors: not a safetensors file (shorter than the 8-byte header length).", Fail([1, 2, 3]));
    }
}
