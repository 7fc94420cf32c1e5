using System.Globalization;
using MlNetConcepts.Cli;
using MlNetConcepts.IO;
using MlNetConcepts.Studies.Runner;
using MlNetConcepts.Tests.Studies.Runner;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>
/// The registry drives every user of a variant: a toy variant registered here (one class and one registry line) is
/// trained by the CLI with its own flag, accepted by the study validator, checked against its own reference, and
/// saved and loaded with its parameter; unknown names are clear errors listing the known ones.
/// </summary>
[TestClass]
[DoNotParallelize] // changes the registry and redirects Console
public sealed class SaeVariantsTests
{
    private const string Toy = "toy-floor";

    /// <summary>z = pre where pre &gt; floor (a ReLU with a fixed floor), the floor a declared parameter.</summary>
    private sealed class FloorVariant : SaeVariant
    {
        private static float Floor(SaeOptions o) => o.VariantSettings.TryGetValue("floor", out var t) ? float.Parse(t, CultureInfo.InvariantCulture) : 0.1f;

        public override IReadOnlyList<SaeParameter> Parameters =>
        [
            SaeParameter.Text("floor", "activations at or below this value are dropped",
                t => { if (!float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !(v >= 0)) throw new ConceptDataException($"--floor must be a number ≥ 0, got '{t}'."); }),
        ];

        public override void SelectForTraining(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
            => TopSelection.AboveThreshold(pre, rows, weights.Latents, [Floor(options)], codes, parallel);

        public override void Encode(float[] pre, int rows, SaeWeights weights, SaeOptions options, SparseCodes codes, ParallelOptions parallel)
            => SelectForTraining(pre, rows, weights, options, codes, parallel);

        public override bool[] ReferenceSelect(ReferenceBatch b) => b.Pre.Select(v => v > Floor(b.Options)).ToArray();
    }

    private static T WithToy<T>(Func<T> body)
    {
        SaeVariants.Register(Toy, () => new FloorVariant());
        try { return body(); }
        finally { SaeVariants.Unregister(Toy); }
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (Console.Out, Console.Error);
        var so = new StringWriter(); var se = new StringWriter();
        Console.SetOut(so); Console.SetError(se);
        try { return (MlncApp.Run(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

    [TestMethod]
    public void ANewVariantIsOneClassAndOneRegistryLine()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-toy-" + Guid.NewGuid().ToString("N"));
        try
        {
            WithToy(() =>
            {
                CollectionAssert.Contains(SaeVariants.Names.ToList(), Toy);
                Assert.AreEqual(Toy, SaeVariants.Create(Toy).Name);

                // The float64 reference uses the toy's own selection: the fast step agrees with it.
                var (w, x, dead) = SaeTestData.Problem("relu", 2);
                var o = SaeTestData.Options("relu") with { Architecture = Toy, VariantSettings = new Dictionary<string, string> { ["floor"] = "0.3" } };
                var variant = SaeVariants.Create(Toy);
                var p = SaeTestData.ToDouble(w);
                var grad = p.Select(a => new double[a.Length]).ToArray();
                double reference = SaeReference.Loss(variant, o, SaeTestData.D, SaeTestData.N, p, x.Select(v => (double)v).ToArray(), SaeTestData.Rows, dead, grad);
                double plainRelu = SaeReference.Loss(SaeVariants.Create("relu"), o with { L1Coefficient = 0 }, SaeTestData.D, SaeTestData.N, p, x.Select(v => (double)v).ToArray(), SaeTestData.Rows, dead, null);
                Assert.AreNotEqual(plainRelu, reference, "the floor changes the selection");
                var fast = new SaeWeights(SaeTestData.D, SaeTestData.N, 0);
                var loss = new SaeStep(variant, o, SaeTestData.D, SaeTestData.N).Run(x, SaeTestData.Rows, w, fast, dead, new ParallelOptions());
                Assert.AreEqual(reference, loss.Loss, 1e-5 * Math.Max(1, Math.Abs(reference)));
                for (int a = 0; a < grad.Length; a++)
                    for (int q = 0; q < grad[a].Length; q++)
                        Assert.AreEqual(grad[a][q], fast.All[a][q], 1e-5 + 1e-4 * Math.Abs(grad[a][q]), $"{SaeWeights.Names[a]}[{q}]");

                // The study validator takes the new name (its k is not checked: the toy keeps no k).
                StudyValidator.Validate(StudyFixture.DefaultConfig() with { Saes = [new SaeSpec(Toy, 2, 0)] });

                // The CLI trains it, with the toy's own flag; the saved SAE folder keeps the parameter.
                Assert.AreEqual(0, Run("synth", "superposition", "--out", dir, "--samples", "600", "--features", "12", "--dims", "6", "--active", "2").Code);
                string acts = Path.Combine(dir, "activations.npy");
                var r = Run("sae", "train", "--activations", acts, "--arch", Toy, "--floor", "0.05", "--expansion", "2", "--steps", "5", "--batch", "100", "--out", Path.Combine(dir, "sae"));
                Assert.AreEqual(0, r.Code, r.Err);
                var loaded = SaeLensFormat.Import(Path.Combine(dir, "sae", "saelens"));
                Assert.AreEqual(Toy, loaded.Architecture);
                Assert.AreEqual("0.05", loaded.Options.VariantSettings["floor"]);

                // A flag the chosen variant does not declare, or a bad value, is a clear error.
                r = Run("sae", "train", "--activations", acts, "--arch", Toy, "--groups", "1,1", "--out", Path.Combine(dir, "bad"));
                Assert.AreEqual(2, r.Code);
                StringAssert.Contains(r.Err, $"--groups does not apply to --arch {Toy} (its options: --floor)");
                Assert.IsFalse(Directory.Exists(Path.Combine(dir, "bad")), "nothing is written for a bad option");
                r = Run("sae", "train", "--activations", acts, "--arch", Toy, "--floor", "-1", "--out", Path.Combine(dir, "bad"));
                Assert.AreEqual(2, r.Code);
                StringAssert.Contains(r.Err, "--floor must be a number ≥ 0, got '-1'");
                return 0;
            });
            Assert.IsFalse(SaeVariants.Contains(Toy));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AnUnknownNameIsAClearErrorListingTheKnownOnes()
    {
        string known = string.Join(", ", SaeVariants.Names);
        StringAssert.Contains(known, "batchtopk, jumprelu, matryoshka, relu, topk");
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SaeVariants.Create("gated"));
        Assert.AreEqual($"Unknown SAE architecture 'gated'. Known: {known}.", e.Message);
        e = Assert.ThrowsExactly<ConceptDataException>(() => StudyValidator.Validate(StudyFixture.DefaultConfig() with { Saes = [new SaeSpec("gated", 4, 8)] }));
        StringAssert.Contains(e.Message, $"unknown SAE variant 'gated' (known: {known})");
        string dir = Path.Combine(Path.GetTempPath(), "mlnc-sae-unknown-" + Guid.NewGuid().ToString("N"));
        var r = Run("sae", "train", "--activations", "/nonexistent.npy", "--arch", "gated", "--out", dir);
        Assert.AreEqual(2, r.Code);
        StringAssert.Contains(r.Err, $"Known: {known}.");
        Assert.IsFalse(Directory.Exists(dir), "nothing is written for an unknown variant");
    }

    [TestMethod]
    public void BuiltInParametersReachTheTrainerAndSurviveSaving()
    {
        var relu = SaeVariants.Create("relu");
        Assert.AreEqual(0.25, relu.Parameters.Single(p => p.Name == "l1").Apply(new SaeOptions(), "0.25").L1Coefficient);
        var m = SaeVariants.Create("matryoshka");
        var groups = m.Parameters.Single(p => p.Name == "groups");
        CollectionAssert.AreEqual(new[] { 4, 12, 16 }, groups.Apply(new SaeOptions(), "4,12,16").MatryoshkaGroupSizes!.ToArray());
        var fractions = groups.Apply(new SaeOptions(), "1/4,0.25,1/2");
        Assert.IsNull(fractions.MatryoshkaGroupSizes);
        CollectionAssert.AreEqual(new[] { 8, 16, 32 }, m.GroupEnds(32, fractions));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => groups.Apply(new SaeOptions(), "1/4,x"));
        StringAssert.Contains(e.Message, "groups must be a positive number, got 'x'");
        Assert.AreEqual(ThresholdMode.PerNeuron, m.Parameters.Single(p => p.Name == "per-neuron-threshold").Apply(new SaeOptions(), "true").ThresholdMode);

        // Saved and loaded through the SAE folder by the names the variant declares.
        var o = new SaeOptions { Architecture = "matryoshka", Latents = 32, MatryoshkaGroupSizes = [4, 12, 16], ThresholdMode = ThresholdMode.PerNeuron };
        var w = new SaeWeights(8, 32, 32);
        var sae = new SaeTransformer("matryoshka", w, o);
        string path = Path.Combine(Path.GetTempPath(), $"mlnc-sae-params-{Guid.NewGuid():N}");
        try
        {
            SaeLensFormat.Export(sae, path);
            var back = SaeLensFormat.Import(path);
            Assert.AreEqual("matryoshka", back.Architecture);
            CollectionAssert.AreEqual(new[] { 4, 12, 16 }, back.Options.MatryoshkaGroupSizes!.ToArray());
            Assert.AreEqual(ThresholdMode.PerNeuron, back.Options.ThresholdMode);
        }
        finally { Directory.Delete(path, true); }
    }
}
