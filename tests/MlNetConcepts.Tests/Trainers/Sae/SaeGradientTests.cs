using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SaeGradientTests
{
    /// <summary>Every variant, with AuxK on positive (post-ReLU) and on raw pre-activations.</summary>
    public static IEnumerable<object[]> Architectures => SaeVariants.Names.SelectMany(n => new[] { new object[] { n, false }, new object[] { n, true } });

    [TestMethod]
    [DynamicData(nameof(Architectures))]
    public void ReferenceGradientsMatchFiniteDifferences(string arch, bool auxOnPre)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var (w, x, dead) = SaeTestData.Problem(arch, seed);
            var variant = SaeVariants.Create(arch);
            var o = SaeTestData.Options(arch) with { AuxKOnPreActivations = auxOnPre };
            var p = SaeTestData.ToDouble(w);
            var xd = x.Select(v => (double)v).ToArray();
            var grad = p.Select(a => new double[a.Length]).ToArray();
            double loss = SaeReference.Loss(variant, o, SaeTestData.D, SaeTestData.N, p, xd, SaeTestData.Rows, dead, grad, null, out var auxTarget);
            Assert.IsTrue(double.IsFinite(loss));
            if (auxOnPre && SomeRowHasFewPositiveDeadLatents(p, xd, dead, o.AuxK!.Value)) // then negative pre-activations enter AuxK
                Assert.AreNotEqual(SaeReference.Loss(variant, o with { AuxKOnPreActivations = false }, SaeTestData.D, SaeTestData.N, p, xd, SaeTestData.Rows, dead, null), loss);
            int checkedCount = 0;
            // The threshold has a pseudo-gradient (JumpReLU) or none; it is checked in its own test.
            for (int a = 0; a < 4; a++)
                for (int q = 0; q < p[a].Length; q++)
                {
                    const double h = 1e-6;
                    double keep = p[a][q];
                    p[a][q] = keep + h;
                    double up = SaeReference.Loss(variant, o, SaeTestData.D, SaeTestData.N, p, xd, SaeTestData.Rows, dead, null, auxTarget);
                    p[a][q] = keep - h;
                    double down = SaeReference.Loss(variant, o, SaeTestData.D, SaeTestData.N, p, xd, SaeTestData.Rows, dead, null, auxTarget);
                    p[a][q] = keep;
                    double fd = (up - down) / (2 * h);
                    Assert.AreEqual(fd, grad[a][q], 1e-6 + 1e-5 * Math.Abs(fd), $"{arch} seed {seed}: ∂L/∂{SaeWeights.Names[a]}[{q}]");
                    checkedCount++;
                }
            Assert.AreEqual(2 * SaeTestData.N * SaeTestData.D + SaeTestData.N + SaeTestData.D, checkedCount);
            // The gradient is not trivially zero.
            Assert.IsTrue(grad[0].Any(g => Math.Abs(g) > 1e-3) && grad[2].Any(g => Math.Abs(g) > 1e-3));
        }
    }

    /// <summary>True when some row has fewer than k_aux dead latents with a positive pre-activation (xc·W_encᵀ + b_enc).</summary>
    private static bool SomeRowHasFewPositiveDeadLatents(double[][] p, double[] x, bool[] dead, int kAux)
    {
        const int d = SaeTestData.D, n = SaeTestData.N;
        for (int r = 0; r < SaeTestData.Rows; r++)
        {
            int positive = 0;
            for (int i = 0; i < n; i++)
            {
                double pre = p[1][i];
                for (int j = 0; j < d; j++) pre += (x[r * d + j] - p[3][j]) * p[0][i * d + j];
                if (dead[i] && pre > 0) positive++;
            }
            if (positive < kAux) return true;
        }
        return false;
    }

    [TestMethod]
    [DynamicData(nameof(Architectures))]
    public void FastFloat32StepMatchesFloat64Reference(string arch, bool auxOnPre)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var fastGrad = AssertFastMatchesReference(arch, SaeTestData.Options(arch) with { AuxKOnPreActivations = auxOnPre }, seed);
            if (arch == "jumprelu") Assert.IsTrue(fastGrad.Threshold.Any(g => g != 0), "some pre-activation lies in a kernel window");
        }
    }

    /// <summary>
    /// Matryoshka with 8 and 16 nested groups (one latent per group at 16): each group has its own work buffer, apart
    /// from AuxK's (with numbered slots, 8 groups once shared a buffer with AuxK and 15 overflowed them).
    /// </summary>
    [TestMethod]
    [DataRow(8)]
    [DataRow(16)]
    public void ManyMatryoshkaGroupsMatchTheReference(int groups)
    {
        var sizes = Enumerable.Repeat(SaeTestData.N / groups, groups).ToArray();
        for (int seed = 1; seed <= 2; seed++)
            AssertFastMatchesReference("matryoshka", SaeTestData.Options("matryoshka") with { MatryoshkaGroupSizes = sizes, AuxKOnPreActivations = true }, seed);
    }

    /// <summary>Runs the fast step on 1 and 2 threads and both AuxK paths; asserts loss and every gradient match the float64 reference.</summary>
    private static SaeWeights AssertFastMatchesReference(string arch, SaeOptions o, int seed)
    {
        var (w, x, dead) = SaeTestData.Problem(arch, seed);
        var variant = SaeVariants.Create(arch);
        var p = SaeTestData.ToDouble(w);
        var grad = p.Select(a => new double[a.Length]).ToArray();
        double expected = SaeReference.Loss(variant, o, SaeTestData.D, SaeTestData.N, p, x.Select(v => (double)v).ToArray(), SaeTestData.Rows, dead, grad);
        var fastGrad = new SaeWeights(SaeTestData.D, SaeTestData.N, w.Threshold.Length);
        var step = new SaeStep(variant, o, SaeTestData.D, SaeTestData.N);
        foreach (int threads in new[] { 1, 2 })
        foreach (var path in new[] { AuxKPath.Tiled, AuxKPath.Dense })
        {
            step.AuxPath = path; // both the tiled sparse and the dense AuxK path
            var loss = step.Run(x, SaeTestData.Rows, w, fastGrad, dead, new ParallelOptions { MaxDegreeOfParallelism = threads });
            if (o.AuxKOnPreActivations == true) Assert.IsGreaterThan(0, loss.AuxK, "AuxK acts on the dead latents");
            Assert.AreEqual(expected, loss.Loss, 1e-5 * Math.Max(1, Math.Abs(expected)), $"{arch} loss");
            for (int a = 0; a < grad.Length; a++)
                for (int q = 0; q < grad[a].Length; q++)
                    Assert.AreEqual(grad[a][q], fastGrad.All[a][q], 1e-5 + 1e-4 * Math.Abs(grad[a][q]), $"{arch} seed {seed} threads {threads} AuxK path {path}: {SaeWeights.Names[a]}[{q}]");
        }
        return fastGrad;
    }

    /// <summary>
    /// The step's tiled AuxK on widths where its register kernels run (full 64- and 128-column tiles and a ragged tail; the
    /// small problems above only reach the span loops), with k_aux a large share of the dead latents as in the 25 % dead
    /// benchmark: loss and every gradient against the float64 reference.
    /// </summary>
    [TestMethod]
    [DataRow("batchtopk", 136)]
    [DataRow("topk", 264)]
    public void TiledAuxKWithFullTilesMatchesReference(string arch, int d)
    {
        const int n = 48, rows = 24;
        var variant = SaeVariants.Create(arch);
        var o = new SaeOptions { Architecture = arch, K = 4, AuxK = 10, AuxKCoefficient = 0.25 };
        var rng = new Random(d);
        float G(double s) => (float)(s * (rng.NextDouble() * 2 - 1));
        var w = new SaeWeights(d, n, variant.ThresholdLength(n, o));
        for (int q = 0; q < w.EncoderWeight.Length; q++) w.EncoderWeight[q] = G(0.3);
        for (int q = 0; q < w.DecoderWeight.Length; q++) w.DecoderWeight[q] = G(0.3);
        for (int i = 0; i < n; i++) w.EncoderBias[i] = G(0.3);
        for (int j = 0; j < d; j++) w.DecoderBias[j] = G(0.3);
        var x = Enumerable.Range(0, rows * d).Select(_ => G(1.5)).ToArray();
        var dead = Enumerable.Range(0, n).Select(i => i % 3 != 1).ToArray(); // 32 dead, 10 of them per row
        var p = SaeTestData.ToDouble(w);
        var grad = p.Select(a => new double[a.Length]).ToArray();
        double expected = SaeReference.Loss(variant, o, d, n, p, x.Select(v => (double)v).ToArray(), rows, dead, grad);
        var fastGrad = new SaeWeights(d, n, w.Threshold.Length);
        var step = new SaeStep(variant, o, d, n) { AuxPath = AuxKPath.Tiled };
        foreach (int threads in new[] { 1, 2 })
        {
            var loss = step.Run(x, rows, w, fastGrad, dead, new ParallelOptions { MaxDegreeOfParallelism = threads });
            Assert.IsGreaterThan(0, loss.AuxK, "AuxK acts on the dead latents");
            Assert.AreEqual(expected, loss.Loss, 1e-5 * Math.Max(1, Math.Abs(expected)), $"{arch} loss");
            for (int a = 0; a < grad.Length; a++)
                for (int q = 0; q < grad[a].Length; q++)
                    Assert.AreEqual(grad[a][q], fastGrad.All[a][q], 1e-5 + 1e-4 * Math.Abs(grad[a][q]), $"{arch} d={d} threads {threads}: {SaeWeights.Names[a]}[{q}]");
        }
    }

    [TestMethod]
    public void JumpReluThresholdPseudoGradientMatchesHandComputedCase()
    {
        // One sample, one input, one latent: x = 1, W_enc = 1, b_enc = 0, b_dec = 0, W_dec = 1,
        // θ = 0.95, ε = 0.2 so pre = 1 lies in the window |pre − θ| < ε/2 and the latent is active.
        // z = 1, x̂ = 1, e = 0 ⇒ ∂L/∂z = 0; only the L0 term contributes:
        // ∂L/∂θ = −λ/ε·K = −0.03/0.2 = −0.15; ∂L/∂log θ = θ·∂L/∂θ = −0.1425. Loss = λ·1 = 0.03.
        var o = new SaeOptions { Architecture = "jumprelu", L0Coefficient = 0.03, JumpReluBandwidth = 0.2, AuxKCoefficient = 0 };
        var w = new SaeWeights(1, 1, 1);
        w.EncoderWeight[0] = 1; w.DecoderWeight[0] = 1; w.Threshold[0] = MathF.Log(0.95f);
        var g = new SaeWeights(1, 1, 1);
        var loss = new SaeStep(new JumpReluVariant(), o, 1, 1).Run([1f], 1, w, g, null, new ParallelOptions());
        Assert.AreEqual(0.03, loss.Loss, 1e-7);
        Assert.AreEqual(-0.95 * 0.15, g.Threshold[0], 1e-6);
        // With x = 2 the reconstruction error e = x̂ − x = −1 gives ∂L/∂z = 2·e·W_dec = −2 (B = 1), adding
        // −(θ/ε)·(−2) = +9.5 to ∂L/∂θ: total 9.35, times θ = 8.8825.
        w.EncoderWeight[0] = 0.5f; // pre stays 1
        new SaeStep(new JumpReluVariant(), o, 1, 1).Run([2f], 1, w, g, null, new ParallelOptions());
        Assert.AreEqual(0.95 * (9.5 - 0.15), g.Threshold[0], 1e-5);
    }
}
