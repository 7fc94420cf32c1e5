using Microsoft.ML;
using MlNetConcepts.Views;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SaeDefaultsTests
{
    [TestMethod]
    public void AShortRunDerivesItsScheduleFromItsLength()
    {
        // 4000 steps × 1024 = 4.1M samples at n = 320: far shorter than the ~10¹⁰ samples the published recipe is written for.
        var o = new SaeOptions { Architecture = "batchtopk", BatchSize = 1024 };
        var run = SaeDefaults.Derive(o, SaeVariants.Create("batchtopk"), 320, 4000);
        Assert.AreEqual(4096, run.DeadWindowSamples, "T/1000 = 4096 samples, not 10M");
        Assert.AreEqual(0.01, run.LearningRate, 1e-12, "40/4000 = 0.01 beats the published 2e-4/√(320/16384) ≈ 1.43e-3");
        Assert.AreEqual(400, run.WarmupSteps, "a tenth of the run");
        Assert.AreEqual(1000, run.ThresholdStartStep);
        Assert.IsTrue(run.AuxKOnPreActivations);
        Assert.AreEqual(1.0 / 32, run.AuxKCoefficient, 1e-15);
        // Matryoshka's widest latents get 1/G of the reconstruction gradient; AuxK is scaled to match on a short run.
        var m = SaeDefaults.Derive(o with { Architecture = "matryoshka" }, SaeVariants.Create("matryoshka"), 320, 4000);
        Assert.AreEqual(1.0 / 128, m.AuxKCoefficient, 1e-15);
        // A tiny run: the window is at least two batches.
        Assert.AreEqual(2048, SaeDefaults.Derive(o, SaeVariants.Create("batchtopk"), 320, 100).DeadWindowSamples);
        Assert.AreEqual(10, SaeDefaults.Derive(o, SaeVariants.Create("batchtopk"), 320, 100).WarmupSteps);
        Assert.AreEqual(50, SaeDefaults.Derive(o, SaeVariants.Create("batchtopk"), 320, 100).ThresholdStartStep);
    }

    [TestMethod]
    public void ALongRunKeepsThePublishedRecipe()
    {
        // 400k steps × 32768 = 1.3·10¹⁰ samples at n = 16384.
        var o = new SaeOptions { Architecture = "matryoshka", BatchSize = 32768 };
        var run = SaeDefaults.Derive(o, SaeVariants.Create("matryoshka"), 16384, 400_000);
        Assert.AreEqual(10_000_000, run.DeadWindowSamples);
        Assert.AreEqual(2e-4, run.LearningRate, 1e-15);
        Assert.AreEqual(1000, run.WarmupSteps);
        Assert.AreEqual(1000, run.ThresholdStartStep);
        Assert.IsFalse(run.AuxKOnPreActivations);
        Assert.AreEqual(1.0 / 32, run.AuxKCoefficient, 1e-15);
    }

    [TestMethod]
    public void ExplicitValuesWin()
    {
        var o = new SaeOptions
        {
            Architecture = "matryoshka", BatchSize = 1024, DeadWindowSamples = 123, LearningRate = 3e-4, WarmupSteps = 7,
            ThresholdStartStep = 9, AuxKOnPreActivations = false, AuxKCoefficient = 0.5,
        };
        var run = SaeDefaults.Derive(o, SaeVariants.Create("matryoshka"), 320, 4000);
        Assert.AreEqual(new SaeRunSettings(3e-4, 7, 123, 0.5, false, 9), run);
        var e = Assert.ThrowsExactly<ConceptDataException>(() => SaeDefaults.Derive(o with { DeadWindowSamples = 0 }, SaeVariants.Create("topk"), 320, 10));
        StringAssert.Contains(e.Message, "dead-latent window must be at least 1 sample, got 0");
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeDefaults.Derive(o with { AuxKCoefficient = double.NaN }, SaeVariants.Create("topk"), 320, 10));
        StringAssert.Contains(e.Message, "AuxK coefficient");
        e = Assert.ThrowsExactly<ConceptDataException>(() => SaeDefaults.Derive(o with { LearningRate = -1 }, SaeVariants.Create("topk"), 320, 10));
        StringAssert.Contains(e.Message, "learning rate must be a positive number, got -1");
    }

    /// <summary>
    /// The log's dead % counts latents silent on each of the last H training samples, H the number of held-out rows the
    /// final metrics use (fewer at the start: silent since the start), and reports H: the held-out dead fraction's measure.
    /// </summary>
    [TestMethod]
    public void TheLogsDeadFractionMeansWhatTheHeldOutOneMeans()
    {
        var x = MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.Generate(new() { Features = 24, Dimensions = 8, Samples = 2000, MeanActive = 2, Seed = 3 }).Activations;
        var view = new ColumnDataView(new DenseArrayColumn("Features", x, 8));
        var o = new SaeOptions { Architecture = "topk", ExpansionFactor = 8, K = 1, BatchSize = 50, Steps = 60, Seed = 2, HoldOutFraction = 0.1, ProgressEvery = 1 };
        var trainer = new MLContext(1).Transforms.SparseAutoencoder(o);
        var reports = new List<SaeProgress>();
        trainer.Progress = reports.Add;
        var sae = trainer.Fit(view);
        long held = trainer.LastMetrics!.Rows;
        Assert.AreEqual(2000 * 0.1, held, 60);
        Assert.AreEqual(50, reports[0].DeadSpanSamples, "early on: silent since the start");
        Assert.AreEqual(held, reports[^1].DeadSpanSamples);
        Assert.IsGreaterThan(0.0, reports[^1].DeadFraction, "64 latents, one per sample: some are silent");
        Assert.IsLessThan(1.0, reports[^1].DeadFraction);
    }
}
