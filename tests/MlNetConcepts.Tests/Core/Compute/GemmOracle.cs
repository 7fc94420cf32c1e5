using MlNetConcepts.Compute;

namespace MlNetConcepts.Tests.Core.Compute;

/// <summary>
/// Random GEMM problems and an independent check: C is recomputed in double precision with a
/// rigorous float32 error bound per entry, |err| ≤ (k+2)·u·(|α|·Σ_p|a_ip·b_pj| + |β·c_ij|),
/// u = 2⁻²⁴, doubled for slack; entries between n and ldc (padding) must be untouched.
/// </summary>
internal static class GemmOracle
{
    public static readonly int[] OddSizes = [1, 3, 17, 63, 65, 130];

    public static float[] RandomMatrix(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Runs one problem on <paramref name="backend"/> and asserts every entry and the padding.</summary>
    public static void Check(IGemmBackend backend, bool ta, bool tb, int m, int n, int k, float alpha, float beta,
        int pad, int seed, bool nanInC = false)
    {
        var rng = new Random(seed);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        var a = RandomMatrix(rng, Math.Max(1, (ta ? k : m) * lda));
        var b = RandomMatrix(rng, Math.Max(1, (tb ? n : k) * ldb));
        var c = RandomMatrix(rng, Math.Max(1, m * ldc));
        if (nanInC) Array.Fill(c, float.NaN);
        const float Sentinel = 12345.5f;
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++) c[i * ldc + j] = Sentinel;
        var c0 = (float[])c.Clone();

        backend.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

        string where = $"{backend.Name} ta={ta} tb={tb} m={m} n={n} k={k} α={alpha} β={beta} pad={pad}";
        const double U = 1.0 / (1 << 24);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double prod = (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                    sum += prod;
                    abs += Math.Abs(prod);
                }
                double cOld = beta == 0 ? 0 : c0[i * ldc + j];
                double expected = alpha * sum + beta * cOld;
                double bound = 2 * (k + 2) * U * (Math.Abs(alpha) * abs + Math.Abs(beta * cOld)) + 1e-30;
                double got = c[i * ldc + j];
                if (!(Math.Abs(got - expected) <= bound))
                    Assert.Fail($"{where}: C[{i},{j}] = {got}, expected {expected} ± {bound:g3}");
            }
            for (int j = n; j < ldc; j++)
                Assert.AreEqual(Sentinel, c[i * ldc + j], $"{where}: padding C[{i},{j}] was written");
        }
    }

    /// <summary>Every transpose pair × odd sizes × padded/unpadded strides × three α/β settings.</summary>
    public static void CheckAll(IGemmBackend backend, int[]? sizes = null)
    {
        sizes ??= OddSizes;
        int seed = 1;
        var scalings = new (float Alpha, float Beta)[] { (1f, 0f), (-0.5f, 0.75f), (2f, 1f) };
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            for (int si = 0; si < sizes.Length; si++)
            {
                // Vary the three sizes independently so m, n and k each hit every odd size.
                int m = sizes[si], n = sizes[(si + 2) % sizes.Length], k = sizes[(si + 4) % sizes.Length];
                foreach (int pad in new[] { 0, 3 })
                    foreach (var (alpha, beta) in scalings)
                        Check(backend, ta, tb, m, n, k, alpha, beta, pad, seed++, nanInC: beta == 0f);
            }
    }
}
