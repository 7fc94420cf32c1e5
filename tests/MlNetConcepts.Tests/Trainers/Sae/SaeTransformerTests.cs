using MlNetConcepts.Data;
using MlNetConcepts.Models;
using MlNetConcepts.Pipeline;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SaeTransformerTests
{
    private static (float[] X, int D) Data(int rows = 600, int d = 8, int seed = 4)
    {
        var data = MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.Generate(new() { Features = 24, Dimensions = d, Samples = rows, MeanActive = 3, Seed = seed });
        return (data.Activations, d);
    }

    private static SaeTransformer Fit(string arch, float[] x, int d, SaeOptions? extra = null)
    {
        var o = (extra ?? new SaeOptions()) with { Architecture = arch, ExpansionFactor = 4, K = 3, BatchSize = 64, Steps = 30, LearningRate = 5e-3, Seed = 2 };
        return new ConceptContext(1).Sae.Train(o).Fit(InMemoryView.FromMatrix("Features", x, d));
    }

    [TestMethod]
    [DataRow("relu")] [DataRow("topk")] [DataRow("batchtopk")] [DataRow("jumprelu")] [DataRow("matryoshka")]
    public void WorkoutSchemaSaveLoadSameCodes(string arch)
    {
        var (x, d) = Data();
        var sae = Fit(arch, x, d).WithSlotNames(Enumerable.Range(0, 32).Select(i => $"c{i}").ToArray());
        var view = InMemoryView.FromMatrix("Features", x, d);
        var schema = sae.GetOutputSchema(view.Schema);
        var estimated = new ConceptContext(1).Sae.Train(new SaeOptions { Architecture = arch, ExpansionFactor = 4, K = 3 }).GetOutputSchema(view.Schema);
        Assert.AreEqual(schema["Concepts"].Type, estimated["Concepts"].Type);
        Assert.AreEqual("Features", schema[0].Name, "input columns pass through");
        var col = schema["Concepts"];
        Assert.IsTrue(col.Type.IsSparse);
        Assert.AreEqual(32, col.Type.VectorSize);
        Assert.AreEqual("c5", col.SlotNames![5]);
        string path = Path.Combine(Path.GetTempPath(), $"sae-{arch}-{Guid.NewGuid():N}.mlnc");
        try
        {
            ModelArchive.Save((ISavableComponent)sae, path);
            var loaded = ModelArchive.Load<SaeTransformer>(path);
            Assert.AreEqual("c5", loaded.SlotNames[5]);
            var a = sae.Transform(view).ReadMatrix("Concepts", out int rows, out _);
            var b = loaded.Transform(view).ReadMatrix("Concepts", out _, out _);
            CollectionAssert.AreEqual(a, b);
            Assert.AreEqual(600, rows);
            Assert.IsTrue(a.Any(v => v > 0));
        }
        finally { File.Delete(path); }
    }

    [TestMethod]
    public void MeanMaxCosineMatchesAHandComputedCase()
    {
        // f₁ = e₁, f₂ = e₂; decoder rows (1,1)/‖·‖ and (2,0): best cosines 1 and 1/√2.
        float[] features = [1, 0, 0, 1], decoder = [1, 1, 2, 0];
        Assert.AreEqual((1 + Math.Sqrt(0.5)) / 2, MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.MeanMaxCosine(features, decoder, 2), 1e-6);
    }

    [TestMethod]
    public void SavedWeightsWorkOnRawActivations()
    {
        // The scale is folded in: the SAE's reconstruction on raw inputs should be on their scale.
        var (x, d) = Data();
        for (int q = 0; q < x.Length; q++) x[q] *= 37f;
        var sae = Fit("topk", x, d);
        var m = SaeMetrics.Compute(sae, [x]);
        Assert.IsGreaterThan(0.3, m.R2, $"R² {m.R2}");
        Assert.IsGreaterThan(0.6, m.MeanCosine);
    }

    [TestMethod]
    public void MetricsMatchBruteForce()
    {
        var (x, d) = Data(rows: 100);
        var sae = Fit("batchtopk", x, d);
        var m = SaeMetrics.Compute(sae, [x[..(50 * d)], x[(50 * d)..]]);
        var codes = sae.Encode(x, 100);
        var xh = sae.Decode(codes);
        double sse = 0, sst = 0;
        for (int j = 0; j < d; j++)
        {
            double mean = Enumerable.Range(0, 100).Average(r => x[r * d + j]);
            for (int r = 0; r < 100; r++) { sse += Math.Pow(x[r * d + j] - xh[r * d + j], 2); sst += Math.Pow(x[r * d + j] - mean, 2); }
        }
        Assert.AreEqual(sse / (100.0 * d), m.Mse, 1e-6 * m.Mse); // the brute force subtracts in float
        Assert.AreEqual(1 - sse / sst, m.R2, 1e-6);
        Assert.AreEqual(codes.Count / 100.0, m.L0, 1e-12);
        var dense = codes.ToDense(32);
        Assert.AreEqual(Enumerable.Range(0, 32).Count(i => Enumerable.Range(0, 100).All(r => dense[r * 32 + i] == 0)) / 32.0, m.DeadFraction, 1e-12);
    }

    [TestMethod]
    public void WrongWidthAndNonFiniteInputAreClearErrors()
    {
        var (x, d) = Data();
        var sae = Fit("topk", x, d);
        var wide = InMemoryView.FromMatrix("Features", new float[20], 10);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => sae.GetOutputSchema(wide.Schema));
        StringAssert.Contains(e.Message, "width 10");
        StringAssert.Contains(e.Message, "width 8");
        var bad = (float[])x.Clone();
        bad[3 * d + 2] = float.NaN;
        e = Assert.ThrowsExactly<ConceptDataException>(() => sae.Encode(bad, 600));
        StringAssert.Contains(e.Message, "row 3");
    }
}
