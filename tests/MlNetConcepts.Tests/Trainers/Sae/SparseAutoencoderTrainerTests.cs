using Microsoft.ML;
using MlNetConcepts.Views;
using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SparseAutoencoderTrainerTests
{
    private static float[] Data(int rows, int d = 8) =>
        MlNetConcepts.Trainers.Sae.Synthetic.SuperpositionGenerator.Generate(new() { Features = 24, Dimensions = d, Samples = rows, MeanActive = 3, Seed = 9 }).Activations;

    private static SaeOptions Options(string arch) => new()
    {
        Architecture = arch, ExpansionFactor = 4, K = 3, BatchSize = 50, Steps = 40, LearningRate = 5e-3, Seed = 5,
        DeadWindowSamples = 500, ThresholdStartStep = 5, WarmupSteps = 5, HoldOutFraction = 0.1,
    };

    [TestMethod]
    [DataRow("batchtopk", false)]
    [DataRow("jumprelu", false)]
    [DataRow("topk", true)]
    public void KilledRunResumesToTheSameWeights(string arch, bool streaming)
    {
        var x = Data(700);
        var view = new ColumnDataView(new DenseArrayColumn("Features", x, 8));
        var o = Options(arch) with { InMemoryLimitBytes = streaming ? 0 : 1L << 30, ShuffleBufferRows = 200 };
        var straight = new MLContext(1).Transforms.SparseAutoencoder(o).Fit(view);

        string cp = Path.Combine(Path.GetTempPath(), $"sae-cp-{Guid.NewGuid():N}.safetensors");
        try
        {
            var first = new MLContext(1).Transforms.SparseAutoencoder(o with { CheckpointPath = cp, CheckpointEvery = 10, ProgressEvery = 1 });
            using var cancel = new CancellationTokenSource();
            first.Progress = p => { if (p.Step == 25) cancel.Cancel(); };
            Assert.ThrowsExactly<OperationCanceledException>(() => first.Fit(view, cancel.Token));
            Assert.IsTrue(File.Exists(cp));
            var resumed = new MLContext(1).Transforms.SparseAutoencoder(o with { CheckpointPath = cp, CheckpointEvery = 10, Resume = true, ProgressEvery = 1 });
            int firstStep = -1;
            resumed.Progress = p => { if (firstStep < 0) firstStep = p.Step; };
            var after = resumed.Fit(view);
            Assert.AreEqual(21, firstStep, "resumed from the step-20 checkpoint");
            for (int p = 0; p < straight.Weights.All.Length; p++)
                CollectionAssert.AreEqual(straight.Weights.All[p], after.Weights.All[p], SaeWeights.Names[p]);
        }
        finally { File.Delete(cp); }
    }

    [TestMethod]
    public void RunsAreDeterministicAcrossThreadCounts()
    {
        var view = new ColumnDataView(new DenseArrayColumn("Features", Data(400), 8));
        float[] Run(int threads)
        {
            int keep = MlNetConcepts.Compute.ComputeSettings.Threads;
            try
            {
                MlNetConcepts.Compute.ComputeSettings.Threads = threads;
                return new MLContext(1).Transforms.SparseAutoencoder(Options("matryoshka")).Fit(view).Weights.DecoderWeight;
            }
            finally { MlNetConcepts.Compute.ComputeSettings.Threads = keep; }
        }
        var a = Run(1);
        CollectionAssert.AreEqual(a, Run(1));
        // Every sum runs in a fixed order whatever the thread count; the GEMM backend is the only
        // part whose blocking may depend on threads, so allow float rounding there.
        var b = Run(2);
        for (int q = 0; q < a.Length; q++) Assert.AreEqual(a[q], b[q], 1e-3);
    }

    [TestMethod]
    public void TrainingReducesTheLossAndReportsHeldOutMetrics()
    {
        var view = new ColumnDataView(new DenseArrayColumn("Features", Data(2000), 8));
        var losses = new List<double>();
        var t = new MLContext(1).Transforms.SparseAutoencoder(Options("batchtopk") with { Steps = 150, ProgressEvery = 10 });
        t.Progress = p => losses.Add(p.Loss);
        t.Fit(view);
        Assert.IsLessThan(losses[0] * 0.8, losses[^1]);
        Assert.IsNotNull(t.LastMetrics);
        Assert.AreEqual(2000 * 0.1, t.LastMetrics.Rows, 60);
        Assert.IsGreaterThan(0.3, t.LastMetrics.R2);
    }

    [TestMethod]
    public void BadInputIsAClearError()
    {
        var x = Data(200);
        var view = new ColumnDataView(new DenseArrayColumn("Features", x, 8));
        var e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("topk") with { K = 32 }).Fit(view));
        StringAssert.Contains(e.Message, "k = 32");
        StringAssert.Contains(e.Message, "width 32");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("batchtopk") with { K = 40 }).Fit(view));
        StringAssert.Contains(e.Message, "k = 40");

        var bad = (float[])x.Clone();
        bad[17 * 8 + 1] = float.PositiveInfinity;
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("topk")).Fit(new ColumnDataView(new DenseArrayColumn("Features", bad, 8))));
        StringAssert.Contains(e.Message, "row 17");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("topk") with { InMemoryLimitBytes = 0 }).Fit(new ColumnDataView(new DenseArrayColumn("Features", bad, 8))));
        StringAssert.Contains(e.Message, "row 17");

        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("topk")).Fit(new ColumnDataView(new DenseArrayColumn("Features", [], 8))));
        StringAssert.Contains(e.Message, "no rows");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("nope")));
        StringAssert.Contains(e.Message, "matryoshka");
        e = Assert.ThrowsExactly<ConceptDataException>(() => new MLContext(1).Transforms.SparseAutoencoder(Options("matryoshka") with { MatryoshkaGroupSizes = [4, 4] }).Fit(view));
        StringAssert.Contains(e.Message, "sum to the width 32");
    }

    [TestMethod]
    public void MatryoshkaDefaultGroupsAndPerNeuronThreshold()
    {
        CollectionAssert.AreEqual(new[] { 32, 96, 224, 512 }, new MatryoshkaVariant().GroupEnds(512, new SaeOptions()));
        var view = new ColumnDataView(new DenseArrayColumn("Features", Data(600), 8));
        var sae = new MLContext(1).Transforms.SparseAutoencoder(Options("batchtopk") with { ThresholdMode = ThresholdMode.PerNeuron }).Fit(view);
        Assert.AreEqual(32, sae.Weights.Threshold.Length);
        Assert.IsTrue(sae.Weights.Threshold.All(t => t > 0));
        Assert.IsTrue(sae.Weights.Threshold.Distinct().Count() > 1);
    }
}
