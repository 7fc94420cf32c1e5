using System.Text.Json.Nodes;
using MlNetConcepts.Cli;
using MlNetConcepts.Tests.Core.IO;
using static MlNetConcepts.Tests.Core.IO.FormatFixtures;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli;

// The tests swap the process-wide Console.Out/Error, so they must never run beside other tests.
[TestClass]
[DoNotParallelize]
public sealed class InfoCommandTests
{
    private static JsonObject Json(string text) => (JsonObject)JsonNode.Parse(text)!;

    [TestMethod]
    public void JsonOnANumpyFloat32ArrayHasExactShapeAndNumpysMean()
    {
        var (code, output, err) = Run("info", PathOf("activations.npy"), "--json");
        Assert.AreEqual(0, code, err);
        var arr = (JsonObject)Json(output)["arrays"]![0]!;
        var e = Expected("activations.npy");
        Assert.AreEqual("float32", arr["dtype"]!.GetValue<string>());
        CollectionAssert.AreEqual(Shape(e), arr["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray());
        double numpyMean = Number(e, "mean");
        double mean = arr["mean"]!.GetValue<double>();
        Assert.IsTrue(Math.Abs(mean - numpyMean) <= 1e-6 * Math.Abs(numpyMean), $"mean {mean} vs numpy {numpyMean}");
        Assert.AreEqual(Number(e, "min"), arr["min"]!.GetValue<double>());
        Assert.AreEqual(Number(e, "max"), arr["max"]!.GetValue<double>());
        Assert.AreEqual(0, arr["nan"]!.GetValue<long>());
    }

    [TestMethod]
    public void NaNsAreCountedAndLeftOutOfTheStatistics()
    {
        var (code, output, _) = Run("info", PathOf("f4_nan.npy"), "--json");
        Assert.AreEqual(0, code);
        var arr = (JsonObject)Json(output)["arrays"]![0]!;
        var e = Expected("f4_nan.npy");
        Assert.AreEqual(2, arr["nan"]!.GetValue<long>());
        Assert.AreEqual(Number(e, "mean"), arr["mean"]!.GetValue<double>(), 1e-12);
        Assert.AreEqual(Number(e, "min"), arr["min"]!.GetValue<double>());
        Assert.AreEqual(Number(e, "max"), arr["max"]!.GetValue<double>());
    }

    [TestMethod]
    public void EmptyArrayHasNullStatistics()
    {
        var (code, output, _) = Run("info", PathOf("f4_empty.npy"), "--json");
        Assert.AreEqual(0, code);
        var arr = (JsonObject)Json(output)["arrays"]![0]!;
        CollectionAssert.AreEqual(new long[] { 0, 4 }, arr["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray());
        Assert.IsNull(arr["mean"]);
        Assert.IsNull(arr["min"]);
    }

    [TestMethod]
    [DataRow("deflated.npz", "npz")]
    [DataRow("all_dtypes.safetensors", "safetensors")]
    [DataRow("images-idx3-ubyte.gz", "idx")]
    [DataRow("floats-idx2", "idx")]
    public void EveryArrayOfEveryFormatMatchesNumpy(string file, string format)
    {
        var (code, output, err) = Run("info", PathOf(file), "--json");
        Assert.AreEqual(0, code, err);
        var doc = Json(output);
        Assert.AreEqual(format, doc["format"]!.GetValue<string>());
        var arrays = doc["arrays"]!.AsArray();
        Assert.IsTrue(arrays.Count > 0);
        foreach (var node in arrays)
        {
            var arr = (JsonObject)node!;
            string name = arr["name"]!.GetValue<string>();
            var e = format switch
            {
                "npz" => Expected(file, name),
                "safetensors" => (JsonObject)Expected(file)["tensors"]![name]!,
                _ => Expected(file),
            };
            CollectionAssert.AreEqual(Shape(e), arr["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray(), name);
            double m = Number(e, "mean");
            Assert.AreEqual(m, arr["mean"]!.GetValue<double>(), 1e-9 * Math.Max(1, Math.Abs(m)), name);
            Assert.AreEqual(Number(e, "min"), arr["min"]!.GetValue<double>(), name);
            Assert.AreEqual(Number(e, "max"), arr["max"]!.GetValue<double>(), name);
        }
        if (format == "safetensors") Assert.AreEqual("pt", doc["metadata"]!["format"]!.GetValue<string>());
    }

    [TestMethod]
    [DataRow("shorts-idx1", "int16")]
    [DataRow("signed-idx1", "int8")]
    [DataRow("images-idx3-ubyte.gz", "uint8")]
    public void IdxReportsTheStoredType(string file, string dtype)
    {
        var (code, output, _) = Run("info", PathOf(file), "--json");
        Assert.AreEqual(0, code);
        Assert.AreEqual(dtype, Json(output)["arrays"]![0]!["dtype"]!.GetValue<string>());
        Assert.AreEqual(Expected(file)["dtype"]!.GetValue<string>(), dtype, "numpy's dtype name for the same data");
    }

    [TestMethod]
    public void TableOutputNamesEachArray()
    {
        var (code, output, _) = Run("info", PathOf("deflated.npz"));
        Assert.AreEqual(0, code);
        foreach (var s in new[] { "weights", "ids", "mask", "float32", "int64", "bool", "(4, 3)", "(5,)" })
            StringAssert.Contains(output, s);
    }

    [TestMethod]
    public void CorruptFileExitsWithTwoAndOneLineNamingTheFile()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "activations.npy");
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 100);
        var (code, output, err) = Run("info", path, "--json");
        Assert.AreEqual(2, code);
        Assert.AreEqual("", output);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, err);
        StringAssert.StartsWith(lines[0], $"error: {path}: truncated data");
    }

    [TestMethod]
    [DataRow("expected.json", "unknown file type")]
    [DataRow("fortran.npy", "Fortran-order arrays are not supported")]
    [DataRow("does-not-exist.npy", "file not found")]
    public void BadInputsExitWithTwo(string file, string problem)
    {
        var (code, _, err) = Run("info", PathOf(file));
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, PathOf(file));
        StringAssert.Contains(err, problem);
        Assert.AreEqual(1, err.Trim().Split('\n').Length, err);
    }

    [TestMethod]
    public void CorruptSafetensorsExitsWithTwo()
    {
        using var dir = NewTempDir();
        var path = CopyTo(dir, "all_dtypes.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[7] = 0x10; // header length becomes enormous
        File.WriteAllBytes(path, bytes);
        var (code, _, err) = Run("info", path);
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, $"{path}: safetensors header of");
    }

    [TestMethod]
    public void SystemListsTheComputeSetup()
    {
        var (code, output, _) = Run("info", "--system", "--json");
        Assert.AreEqual(0, code);
        var doc = Json(output);
        var expected = MlNetConcepts.Compute.SystemInfo.Describe();
        // Counts are JSON numbers, descriptions strings (docs/CLI-JSON.md).
        foreach (var (k, v) in expected)
            Assert.AreEqual(v, k is "threads" or "processors" ? doc[k]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture) : doc[k]!.GetValue<string>(), k);
        var (code2, table, _) = Run("info", "--system");
        Assert.AreEqual(0, code2);
        StringAssert.Contains(table, "backend");
    }

    [TestMethod]
    public void NoFileAndNoSystemIsABadInput()
    {
        var (code, _, err) = Run("info");
        Assert.AreEqual(2, code);
        StringAssert.Contains(err, "give a FILE");
    }
}
