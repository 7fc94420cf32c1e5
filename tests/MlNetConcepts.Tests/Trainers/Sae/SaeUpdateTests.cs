using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

[TestClass]
public sealed class SaeUpdateTests
{
    /// <summary>
    /// The two-pass update against the plain five-pass sequence (projection, norm, scaling, scalar Adam, renormalisation) over
    /// three steps, with the clip binding and not, on 1, 2 and 3 threads: weights and Adam moments agree to float rounding of
    /// the clip factor (the norm's float64 sum runs in another order), the norm is the float64 norm of the projected
    /// gradients computed here from the definition, and the decoder rows come out of unit norm. 3,000 × 13 spans several
    /// bands and Adam chunks, and vector bodies with scalar tails.
    /// </summary>
    [TestMethod]
    [DataRow(0.5)] [DataRow(1e6)] [DataRow(0.0)]
    public void TwoPassUpdateMatchesThePlainSequence(double clipNorm)
    {
        const int d = 13, n = 3000;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var rng = new Random(threads);
            var fastW = new SaeWeights(d, n, 0);
            foreach (var a in fastW.All) for (int q = 0; q < a.Length; q++) a[q] = (float)(rng.NextDouble() * 2 - 1);
            var plainW = fastW.Clone();
            var o = new SaeOptions();
            var fastAdam = new AdamOptimizer(fastW, false, o);
            var plainAdam = new AdamOptimizer(plainW, false, o);
            for (int t = 1; t <= 3; t++)
            {
                var fastG = new SaeWeights(d, n, 0);
                foreach (var a in fastG.All) for (int q = 0; q < a.Length; q++) a[q] = (float)((rng.NextDouble() * 2 - 1) * 0.05);
                var plainG = fastG.Clone();
                double expectedNorm = ProjectedNorm(fastW, fastG);
                double fastNorm = SaeUpdate.Apply(fastW, fastG, fastAdam, t, 1e-2, clipNorm, new ParallelOptions { MaxDegreeOfParallelism = threads });
                double plainNorm = SaeUpdate.ApplyReference(plainW, plainG, plainAdam, t, 1e-2, clipNorm);
                Assert.AreEqual(expectedNorm, fastNorm, 1e-9 * expectedNorm);
                Assert.AreEqual(expectedNorm, plainNorm, 1e-9 * expectedNorm);
                if (clipNorm == 0.5) Assert.IsGreaterThan(clipNorm, fastNorm, "the clip binds");
                string where = $"clip {clipNorm}, {threads} threads, step {t}";
                for (int p = 0; p < 4; p++) AssertClose(plainW.All[p], fastW.All[p], $"{SaeWeights.Names[p]}, {where}");
                for (int q = 0; q < 4; q++)
                {
                    AssertClose(plainAdam.First[q], fastAdam.First[q], $"first moment {q}, {where}");
                    AssertClose(plainAdam.Second[q], fastAdam.Second[q], $"second moment {q}, {where}");
                }
                for (int i = 0; i < n; i++)
                {
                    double sq = 0;
                    for (int j = 0; j < d; j++) sq += (double)fastW.DecoderWeight[i * d + j] * fastW.DecoderWeight[i * d + j];
                    Assert.AreEqual(1.0, Math.Sqrt(sq), 1e-6, $"decoder row {i}, {where}");
                }
            }
        }
    }

    /// <summary>‖g‖ over W_enc, b_enc, W_dec and b_dec with each decoder-row gradient projected off its row, in float64.</summary>
    private static double ProjectedNorm(SaeWeights w, SaeWeights g)
    {
        int d = w.Inputs;
        double sq = 0;
        foreach (var a in new[] { g.EncoderWeight, g.EncoderBias, g.DecoderBias }) foreach (float v in a) sq += (double)v * v;
        for (int i = 0; i < w.Latents; i++)
        {
            double gw = 0, ww = 0;
            for (int j = 0; j < d; j++) { gw += (double)g.DecoderWeight[i * d + j] * w.DecoderWeight[i * d + j]; ww += (double)w.DecoderWeight[i * d + j] * w.DecoderWeight[i * d + j]; }
            for (int j = 0; j < d; j++) { double v = g.DecoderWeight[i * d + j] - gw / ww * w.DecoderWeight[i * d + j]; sq += v * v; }
        }
        return Math.Sqrt(sq);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int q = 0; q < expected.Length; q++)
            Assert.AreEqual(expected[q], actual[q], 1e-6 * (1 + Math.Abs(expected[q])), $"{what} [{q}]");
    }
}
