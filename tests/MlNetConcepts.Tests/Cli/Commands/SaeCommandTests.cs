using Microsoft.ML;
using MlNetConcepts.Views;
using System.IO.Compression;
using System.Text.Json;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Trainers.Sae;
using static MlNetConcepts.Tests.Cli.InProcessCli;

namespace MlNetConcepts.Tests.Cli.Commands;

[TestClass]
public sealed class SaeCommandTests
{
    [TestMethod]
    public void AuxKAndEpochOptionsReachTheTrainer()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.AreEqual(0, Run("synth", "superposition", "--out", dir, "--samples", "2000", "--features", "24", "--dims", "8", "--active", "2").Code);
            string acts = Path.Combine(dir, "activations.npy");
            var r = Run("sae", "train", "--activations", acts, "--arch", "batchtopk", "--expansion", "3", "--k", "2", "--epochs", "2",
                "--batch", "100", "--lr", "5e-3", "--holdout", "0", "--dead-window", "300", "--auxk-coefficient", "0.1", "--auxk-pre-activations",
                "--seed", "4", "--out", Path.Combine(dir, "sae"));
            Assert.AreEqual(0, r.Code, r.Err);
            StringAssert.Contains(r.Err, "step 40/40"); // 2 epochs of 20 batches
            // The same options through the library give the same weights.
            var x = NpyFile.ReadMatrix(acts, out int rows, out int d);
            var view = new ColumnDataView(new DenseArrayColumn("Features", x, d));
            var expected = new MLContext(4).Transforms.SparseAutoencoder(new SaeOptions
            {
                Architecture = "batchtopk", ExpansionFactor = 3, K = 2, Epochs = 2, BatchSize = 100, LearningRate = 5e-3, Seed = 4,
                DeadWindowSamples = 300, AuxKCoefficient = 0.1, AuxKOnPreActivations = true,
            }).Fit(view);
            var got = SaeLensFormat.Import(Path.Combine(dir, "sae", "saelens"));
            CollectionAssert.AreEqual(expected.Weights.DecoderWeight, got.Weights.DecoderWeight);

            // MMCS against the planted features, checked by a brute-force loop over all (feature, decoder row) pairs.
            r = Run("sae", "eval", "--sae", Path.Combine(dir, "sae"), "--activations", acts, "--features", Path.Combine(dir, "features.npy"), "--json");
            Assert.AreEqual(0, r.Code, r.Err);
            var f = NpyFile.ReadMatrix(Path.Combine(dir, "features.npy"), out int m, out _);
            var dec = got.Weights.DecoderWeight;
            double mmcs = 0;
            for (int j = 0; j < m; j++)
            {
                double best = double.NegativeInfinity;
                for (int i = 0; i < got.Latents; i++)
                {
                    double dot = 0, nf = 0, nd = 0;
                    for (int t = 0; t < d; t++) { dot += f[j * d + t] * dec[i * d + t]; nf += f[j * d + t] * f[j * d + t]; nd += dec[i * d + t] * dec[i * d + t]; }
                    best = Math.Max(best, dot / Math.Sqrt(nf * nd));
                }
                mmcs += best / m;
            }
            Assert.AreEqual(mmcs, JsonDocument.Parse(r.Out).RootElement.GetProperty("mmcs").GetDouble(), 1e-5);

            r = Run("sae", "train", "--activations", acts, "--dead-window", "0", "--out", Path.Combine(dir, "bad"));
            Assert.AreEqual(2, r.Code);
            StringAssert.Contains(r.Err, "dead-latent window must be at least 1");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    /// <summary>Codes of a block equal the whole-matrix codes up to float32 rounding (the GEMM splits differently).</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"code {i}");
    }

    [TestMethod]
    public void EncodeAndEvalStreamBlocksAndMatchTheWholeMatrixRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-stream-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.AreEqual(0, Run("synth", "superposition", "--out", dir, "--samples", "700", "--features", "16", "--dims", "8", "--active", "2").Code);
            string acts = Path.Combine(dir, "activations.npy");
            var x = NpyFile.ReadMatrix(acts, out int rows, out _);
            string sae = Path.Combine(dir, "sae");
            var r = Run("sae", "train", "--activations", acts, "--arch", "topk", "--expansion", "2", "--k", "2", "--steps", "10", "--batch", "64", "--out", sae);
            Assert.AreEqual(0, r.Code, r.Err);
            var model = SaeLensFormat.Import(Path.Combine(sae, "saelens"));
            var whole = model.Encode(x, rows).ToDense(model.Latents);
            // 97-row blocks, and the activations (5600 values) may not be read whole; the CSR arrays (≤ 1400) may.
            SaeCommand.BlockRowsOverride = 97;
            NpyFile.WholeLoadLimitOverride = 2000;
            try
            {
                string z = Path.Combine(dir, "z.npy");
                r = Run("sae", "encode", "--sae", sae, "--activations", acts, "--out", z);
                Assert.AreEqual(0, r.Code, r.Err);
                using (var codes = MatrixFile.Open(z))
                {
                    var got = new float[whole.Length];
                    codes.ReadRows(0, rows, got);
                    AssertClose(whole, got);
                }
                string zs = Path.Combine(dir, "z.npz");
                r = Run("sae", "encode", "--sae", sae, "--activations", acts, "--out", zs, "--sparse");
                Assert.AreEqual(0, r.Code, r.Err);
                using (var zip = System.IO.Compression.ZipFile.OpenRead(zs))
                    foreach (var member in zip.Entries)
                        Assert.AreEqual(member.Length, member.CompressedLength, $"{member.FullName} is stored uncompressed, as numpy.savez writes");
                using (var codes = MatrixFile.Open(zs))
                {
                    var got = new float[whole.Length];
                    codes.ReadRows(0, rows, got);
                    AssertClose(whole, got);
                }
                r = Run("sae", "eval", "--sae", sae, "--activations", acts, "--json");
                Assert.AreEqual(0, r.Code, r.Err);
                var expected = SaeMetrics.Compute(model, [x]);
                var json = JsonDocument.Parse(r.Out).RootElement;
                Assert.AreEqual(expected.R2, json.GetProperty("r2").GetDouble(), 1e-9);
                Assert.AreEqual(expected.Mse, json.GetProperty("mse").GetDouble(), 1e-9 * Math.Max(1, expected.Mse));
                Assert.AreEqual(expected.L0, json.GetProperty("l0").GetDouble(), 1e-12);
            }
            finally
            {
                SaeCommand.BlockRowsOverride = null;
                NpyFile.WholeLoadLimitOverride = null;
            }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AFailedTrainingLeavesNoOutputFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-fail-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.AreEqual(0, Run("synth", "superposition", "--out", Path.Combine(dir, "data"), "--samples", "200", "--features", "16", "--dims", "8").Code);
            var r = Run("sae", "train", "--activations", Path.Combine(dir, "data", "activations.npy"), "--arch", "topk", "--expansion", "2", "--k", "16",
                "--steps", "5", "--out", Path.Combine(dir, "sae"));
            Assert.AreEqual(2, r.Code);
            StringAssert.Contains(r.Err, "k = 16");
            // Neither the folder nor a temporary sibling: only the synthetic data is there.
            CollectionAssert.AreEqual(new[] { "data" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray());
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void SynthTrainEncodeEvalRoundTrip()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = Run("synth", "superposition", "--out", dir, "--samples", "3000", "--features", "32", "--dims", "8", "--active", "3");
            Assert.AreEqual(0, r.Code, r.Err);
            var x = NpyFile.ReadMatrix(Path.Combine(dir, "activations.npy"), out int rows, out int d);
            Assert.AreEqual((3000, 8), (rows, d));
            var f = NpyFile.ReadMatrix(Path.Combine(dir, "features.npy"), out int m, out _);
            Assert.AreEqual(32, m);

            string sae = Path.Combine(dir, "sae");
            r = Run("sae", "train", "--activations", Path.Combine(dir, "activations.npy"), "--arch", "matryoshka", "--expansion", "4",
                "--k", "3", "--steps", "60", "--batch", "128", "--lr", "5e-3", "--out", sae);
            Assert.AreEqual(0, r.Code, r.Err);
            StringAssert.Contains(r.Out, "held-out rows");
            StringAssert.Contains(r.Err, "step 60/60");
            Assert.IsTrue(File.Exists(Path.Combine(sae, "model.zip")), "the ML.NET model is written");
            var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(sae, "saelens", "cfg.json"))).RootElement;
            Assert.AreEqual("jumprelu", cfg.GetProperty("architecture").GetString());
            Assert.AreEqual(32, cfg.GetProperty("d_sae").GetInt32());

            string z = Path.Combine(dir, "z.npy");
            Assert.AreEqual(0, Run("sae", "encode", "--sae", sae, "--activations", Path.Combine(dir, "activations.npy"), "--out", z).Code);
            var codes = NpyFile.ReadMatrix(z, out int zr, out int zc);
            Assert.AreEqual((3000, 32), (zr, zc));
            var model = SaeLensFormat.Import(Path.Combine(sae, "saelens"));
            CollectionAssert.AreEqual(model.Encode(x, rows).ToDense(32), codes);

            string zs = Path.Combine(dir, "z.npz");
            Assert.AreEqual(0, Run("sae", "encode", "--sae", sae, "--activations", Path.Combine(dir, "activations.npy"), "--out", zs, "--sparse").Code);
            using (var zip = ZipFile.OpenRead(zs))
            {
                NdArray Entry(string name) { using var s = zip.GetEntry(name + ".npy")!.Open(); using var ms = new MemoryStream(); s.CopyTo(ms); ms.Position = 0; return NpyFile.Read(ms, name); }
                var indptr = Entry("indptr").ToInt64(); var indices = Entry("indices").ToInt32(); var values = Entry("values").ToFloat32();
                Assert.AreEqual(3001, indptr.Length);
                var dense = new float[3000 * 32];
                for (int rr = 0; rr < 3000; rr++) for (long e = indptr[rr]; e < indptr[rr + 1]; e++) dense[rr * 32 + indices[e]] = values[e];
                CollectionAssert.AreEqual(codes, dense);
            }

            r = Run("sae", "eval", "--sae", sae, "--activations", Path.Combine(dir, "activations.npy"), "--json");
            Assert.AreEqual(0, r.Code, r.Err);
            var json = JsonDocument.Parse(r.Out).RootElement;
            var expected = SaeMetrics.Compute(model, [x]);
            Assert.AreEqual(expected.R2, json.GetProperty("r2").GetDouble(), 1e-9);
            Assert.AreEqual(expected.L0, json.GetProperty("l0").GetDouble(), 1e-9);
            Assert.AreEqual(expected.MeanCosine, json.GetProperty("mean_cosine").GetDouble(), 1e-9);

            // The SAELens folder is accepted too, and gives the same codes (jumprelu with the stored θ).
            Assert.AreEqual(0, Run("sae", "encode", "--sae", Path.Combine(sae, "saelens"), "--activations", Path.Combine(dir, "activations.npy"), "--out", z).Code);
            var viaLens = NpyFile.ReadMatrix(z, out _, out _);
            for (int q = 0; q < codes.Length; q++) Assert.AreEqual(codes[q], viaLens[q], 1e-5);

            // Bad input: wrong width, NaN row, k too large.
            NpyFile.WriteMatrix(Path.Combine(dir, "wide.npy"), new float[5 * 9], 5, 9);
            r = Run("sae", "encode", "--sae", sae, "--activations", Path.Combine(dir, "wide.npy"), "--out", z);
            Assert.AreEqual(2, r.Code);
            StringAssert.Contains(r.Err, "width 9");
            var bad = new float[5 * 8]; bad[3 * 8 + 4] = float.NaN;
            NpyFile.WriteMatrix(Path.Combine(dir, "nan.npy"), bad, 5, 8);
            r = Run("sae", "eval", "--sae", sae, "--activations", Path.Combine(dir, "nan.npy"));
            Assert.AreEqual(2, r.Code);
            StringAssert.Contains(r.Err, "row 3");
            r = Run("sae", "train", "--activations", Path.Combine(dir, "activations.npy"), "--arch", "topk", "--expansion", "2", "--k", "16", "--steps", "5", "--out", Path.Combine(dir, "k"));
            Assert.AreEqual(2, r.Code);
            StringAssert.Contains(r.Err, "k = 16");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
