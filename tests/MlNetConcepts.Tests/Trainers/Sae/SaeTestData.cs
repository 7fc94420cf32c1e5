using MlNetConcepts.Trainers.Sae;

namespace MlNetConcepts.Tests.Trainers.Sae;

/// <summary>Small random SAE problems shared by the gradient tests.</summary>
internal static class SaeTestData
{
    public const int D = 6, N = 16, Rows = 8;

    public static SaeOptions Options(string arch) => new()
    {
        Architecture = arch,
        K = 3,
        L1Coefficient = 0.07,
        L0Coefficient = 0.03,
        JumpReluBandwidth = 0.2,
        AuxK = 3,
        AuxKCoefficient = 0.25,
        MatryoshkaGroupSizes = arch == "matryoshka" ? [2, 3, 5, 6] : null,
    };

    /// <summary>Random weights (decoder rows deliberately not unit norm) and inputs, as float32 and float64.</summary>
    public static (SaeWeights W, float[] X, bool[] Dead) Problem(string arch, int seed)
    {
        var rng = new Random(seed);
        var variant = SaeVariants.Create(arch);
        var o = Options(arch);
        var w = new SaeWeights(D, N, variant.ThresholdLength(N, o));
        float G(double s) => (float)(s * (rng.NextDouble() * 2 - 1));
        for (int q = 0; q < w.EncoderWeight.Length; q++) w.EncoderWeight[q] = G(0.8);
        for (int q = 0; q < w.DecoderWeight.Length; q++) w.DecoderWeight[q] = G(0.6);
        for (int i = 0; i < N; i++) w.EncoderBias[i] = G(0.3);
        for (int j = 0; j < D; j++) w.DecoderBias[j] = G(0.3);
        for (int i = 0; i < w.Threshold.Length; i++) w.Threshold[i] = (float)Math.Log(0.25 + 0.3 * rng.NextDouble());
        var x = new float[Rows * D];
        for (int q = 0; q < x.Length; q++) x[q] = G(1.5);
        var dead = new bool[N];
        for (int i = 0; i < N; i += 3) dead[i] = true;
        return (w, x, dead);
    }

    public static double[][] ToDouble(SaeWeights w) => w.All.Select(a => a.Select(v => (double)v).ToArray()).ToArray();
}
