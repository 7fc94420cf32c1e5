using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetConcepts.Trainers.Sae;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as PyTorch computes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). Dense: every parameter's moments decay every step.
/// </summary>
internal sealed class AdamOptimizer
{
    private readonly double _beta1, _beta2, _eps;

    public AdamOptimizer(SaeWeights shape, bool trainThreshold, SaeOptions options)
    {
        _beta1 = options.AdamBeta1;
        _beta2 = options.AdamBeta2;
        _eps = options.AdamEpsilon;
        Trained = trainThreshold ? [0, 1, 2, 3, 4] : [0, 1, 2, 3];
        var all = shape.All;
        First = Trained.Select(p => new float[all[p].Length]).ToArray();
        Second = Trained.Select(p => new float[all[p].Length]).ToArray();
    }

    /// <summary>Indices (into <see cref="SaeWeights.All"/>) of the trained parameters.</summary>
    public int[] Trained { get; }
    /// <summary>First moments, one array per trained parameter.</summary>
    public float[][] First { get; }
    /// <summary>Second moments.</summary>
    public float[][] Second { get; }

    /// <summary>
    /// Applies update number <paramref name="t"/> (1-based) with learning rate <paramref name="lr"/> to the gradients times
    /// <paramref name="gradientScale"/> (the clipping factor, applied as each value is read: g·s rounded to float, as a separate
    /// scaling pass would store it; <paramref name="grad"/> is not changed). Each parameter is updated in chunks of whole rows of
    /// <see cref="SaeWeights.Inputs"/> values; <paramref name="afterChunk"/>(parameter index into <see cref="SaeWeights.All"/>,
    /// from, end) runs on the updating thread right after each chunk, while it is in cache.
    /// </summary>
    public void Step(SaeWeights weights, SaeWeights grad, int t, double lr, ParallelOptions parallel, float gradientScale = 1f,
        Action<int, int, int>? afterChunk = null)
        => Apply(weights, grad, t, lr, parallel, vectorised: true, gradientScale, afterChunk);

    /// <summary>The same update one element at a time (the plain reference of <see cref="Step"/>; results are bitwise equal,
    /// since both round the same float operations in the same order and neither fuses multiply-adds).</summary>
    internal void StepReference(SaeWeights weights, SaeWeights grad, int t, double lr, float gradientScale = 1f)
        => Apply(weights, grad, t, lr, new ParallelOptions { MaxDegreeOfParallelism = 1 }, vectorised: false, gradientScale, null);

    private void Apply(SaeWeights weights, SaeWeights grad, int t, double lr, ParallelOptions parallel, bool vectorised, float gradientScale,
        Action<int, int, int>? afterChunk)
    {
        double bc1 = 1 - Math.Pow(_beta1, t), bc2 = Math.Sqrt(1 - Math.Pow(_beta2, t));
        var c = new Coefficients((float)_beta1, (float)_beta2, (float)(lr / bc1), (float)bc2, (float)_eps, gradientScale);
        int chunk = weights.Inputs * Math.Max(1, 16384 / weights.Inputs); // whole rows, about 16,384 values
        for (int q = 0; q < Trained.Length; q++)
        {
            int parameter = Trained[q];
            var p = weights.All[parameter];
            var g = grad.All[parameter];
            var m = First[q];
            var v = Second[q];
            int chunks = (p.Length + chunk - 1) / chunk;
            Parallel.For(0, chunks, parallel, k =>
            {
                int from = k * chunk, end = Math.Min(p.Length, from + chunk);
                int i = vectorised ? UpdateVectors(p, g, m, v, from, end, c) : from;
                for (; i < end; i++)
                {
                    float gi = g[i] * c.Scale;
                    m[i] = c.B1 * m[i] + (1 - c.B1) * gi;
                    v[i] = c.B2 * v[i] + (1 - c.B2) * gi * gi;
                    p[i] -= c.StepSize * m[i] / (MathF.Sqrt(v[i]) / c.Sqrt2 + c.Eps);
                }
                afterChunk?.Invoke(parameter, from, end);
            });
        }
    }

    /// <summary>The update on whole 256-bit vectors of [from, end); returns where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int UpdateVectors(float[] p, float[] g, float[] m, float[] v, int from, int end, Coefficients c)
    {
        if (!Vector256.IsHardwareAccelerated) return from;
        var b1 = Vector256.Create(c.B1);
        var b2 = Vector256.Create(c.B2);
        var a1 = Vector256.Create(1 - c.B1);
        var a2 = Vector256.Create(1 - c.B2);
        var step = Vector256.Create(c.StepSize);
        var sq2 = Vector256.Create(c.Sqrt2);
        var eps = Vector256.Create(c.Eps);
        var scale = Vector256.Create(c.Scale);
        int i = from;
        for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var gi = Vector256.Create(g.AsSpan(i, Vector256<float>.Count)) * scale;
            var mi = b1 * Vector256.Create(m.AsSpan(i, Vector256<float>.Count)) + a1 * gi;
            var vi = b2 * Vector256.Create(v.AsSpan(i, Vector256<float>.Count)) + a2 * gi * gi;
            var pi = Vector256.Create(p.AsSpan(i, Vector256<float>.Count)) - step * mi / (Vector256.Sqrt(vi) / sq2 + eps);
            mi.CopyTo(m.AsSpan(i));
            vi.CopyTo(v.AsSpan(i));
            pi.CopyTo(p.AsSpan(i));
        }
        return i;
    }

    private readonly record struct Coefficients(float B1, float B2, float StepSize, float Sqrt2, float Eps, float Scale);
}
