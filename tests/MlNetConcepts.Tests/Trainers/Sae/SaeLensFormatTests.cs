using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>
/// Oracle: tools/fixtures/sae_saelens.py reads the committed SAELens export with its own
/// safetensors parser and computes SAELens' forward pass in numpy (float64).
/// </summary>
[TestClass]
public sealed class SaeLensFormatTests
{
    private static string Fixture(string arch, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Sae", arch, file);

    [TestMethod]
    [DataRow("batchtopk")]
    [DataRow("topk")]
    public void ExportReconstructsLikeThePythonSaeLensOracle(string arch)
    {
        var x = NpyFile.ReadMatrix(Fixture(arch, "x.npy"), out int rows, out int d);
        var expected = NpyFile.ReadMatrix(Fixture(arch, "expected_recon.npy"), out _, out _);
        var expectedCodes = NpyFile.ReadMatrix(Fixture(arch, "expected_codes.npy"), out _, out int n);
        var sae = SaeLensFormat.Import(Fixture(arch, "saelens"));
        {
            var codes = sae.Encode(x, rows);
            var dense = codes.ToDense(n);
            for (int q = 0; q < dense.Length; q++) Assert.AreEqual(expectedCodes[q], dense[q], 1e-4, $"code {q}");
            var recon = sae.Decode(codes);
            for (int q = 0; q < recon.Length; q++) Assert.AreEqual(expected[q], recon[q], 1e-4, $"recon {q}");
            Assert.IsGreaterThan(0, codes.Count);
        }
    }

    [TestMethod]
    public void ExportOfTheImportedFolderReproducesTheCommittedTensors()
    {
        var sae = SaeLensFormat.Import(Fixture("batchtopk", "saelens"));
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-saelens-" + Guid.NewGuid().ToString("N"));
        try
        {
            SaeLensFormat.Export(sae, dir);
            var mine = SafeTensors.ReadFile(Path.Combine(dir, SaeLensFormat.WeightsFile));
            var committed = SafeTensors.ReadFile(Fixture("batchtopk", Path.Combine("saelens", SaeLensFormat.WeightsFile)));
            CollectionAssert.AreEquivalent(committed.Tensors.Keys.ToArray(), mine.Tensors.Keys.ToArray());
            foreach (var (name, t) in committed.Tensors)
            {
                CollectionAssert.AreEqual(t.Shape, mine[name].Shape, name);
                CollectionAssert.AreEqual(t.ToFloat32(), mine[name].ToFloat32(), name);
            }
            Assert.AreEqual(sae.Inputs, (int)mine["W_enc"].Shape[0], "W_enc is [d_in, d_sae]");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SparsifyNamesAndOrientationAreRead()
    {
        var x = NpyFile.ReadMatrix(Fixture("topk", "x.npy"), out int rows, out _);
        var expected = NpyFile.ReadMatrix(Fixture("topk", "expected_recon.npy"), out _, out _);
        var sae = SaeLensFormat.Import(Fixture("topk", "sparsify"));
        Assert.AreEqual("topk", sae.Architecture);
        Assert.AreEqual(3, sae.Options.K);
        var recon = sae.Reconstruct(x, rows);
        for (int q = 0; q < recon.Length; q++) Assert.AreEqual(expected[q], recon[q], 1e-4);
    }

    [TestMethod]
    public void MissingWeightsAndBadShapesAreClearErrors()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-saelens-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(dir));
            StringAssert.Contains(e.Message, "sae_weights.safetensors");
            SafeTensors.WriteFile(Path.Combine(dir, SaeLensFormat.WeightsFile), new Dictionary<string, NdArray>
            {
                ["W_enc"] = NdArray.FromFloats(new float[12], 3, 4), ["b_enc"] = NdArray.FromFloats(new float[5], 5),
                ["W_dec"] = NdArray.FromFloats(new float[15], 5, 3), ["b_dec"] = NdArray.FromFloats(new float[3], 3),
            });
            e = Assert.ThrowsExactly<ConceptDataException>(() => SaeLensFormat.Import(dir));
            StringAssert.Contains(e.Message, "(3, 4)");
            StringAssert.Contains(e.Message, "d_sae = 5");
        }
        finally { Directory.Delete(dir, true); }
    }
}
