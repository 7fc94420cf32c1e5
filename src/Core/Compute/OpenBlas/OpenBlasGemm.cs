namespace MlNetConcepts.Compute;

/// <summary>
/// SGEMM through OpenBLAS's <c>cblas_sgemm</c> (row-major). The thread count is OpenBLAS's own
/// (process-wide) setting, applied before each call when it differs.
/// </summary>
public sealed class OpenBlasGemm : IGemmBackend
{
    private static readonly Lazy<string?> SelfCheck = new(RunSelfCheck);

    /// <summary>Creates the backend; throws <see cref="ConceptDataException"/> with the install hint when OpenBLAS is absent.</summary>
    public OpenBlasGemm(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "At least one thread is needed.");
        if (!OpenBlasLibrary.IsAvailable) throw new ConceptDataException(OpenBlasLibrary.LoadError!);
        Threads = threads;
    }

    /// <summary>Threads OpenBLAS uses for this backend's calls.</summary>
    public int Threads { get; }

    /// <inheritdoc />
    public string Name => $"openblas ({OpenBlasLibrary.CoreName ?? "unknown kernel"}, {Threads} thread{(Threads == 1 ? "" : "s")})";

    /// <summary>
    /// Null when OpenBLAS agrees with the reference on a small product covering every transpose
    /// pair and padded strides (run once per process); otherwise a diagnostic with the error seen.
    /// A kernel chosen for the wrong CPU would show up here rather than as wrong results later.
    /// </summary>
    public static string? SelfCheckError => OpenBlasLibrary.IsAvailable ? SelfCheck.Value : OpenBlasLibrary.LoadError;

    /// <inheritdoc />
    public unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (GemmBeta.IsTrivial(m, n, k, alpha)) { GemmBeta.Scale(m, n, beta, c, ldc); return; }
        OpenBlasLibrary.EnsureThreads(Threads);
        fixed (float* pa = a, pb = b, pc = c)
            OpenBlasLibrary.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private static string? RunSelfCheck()
    {
        string? error = Compare(new OpenBlasGemm(1), ReferenceGemm.Instance);
        return error is null ? null
            : $"OpenBLAS ({OpenBlasLibrary.CoreName}, core type {OpenBlasLibrary.RequestedCoreType ?? "auto-detected"}) failed its self-check: {error}.";
    }

    /// <summary>
    /// Runs <paramref name="candidate"/> and <paramref name="oracle"/> on the same small products
    /// (every transpose pair, padded strides, β = 0 over a NaN-filled C) and returns null when
    /// they agree, else a description of the worst disagreement.
    /// </summary>
    internal static string? Compare(IGemmBackend candidate, IGemmBackend oracle)
    {
        // Sizes straddle the kernels' register-block edges; β = 0 over NaN checks the zeroing path.
        const int m = 37, n = 45, k = 70;
        var rng = new Random(12345);
        double worst = 0;
        string where = "";
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
            var a = Random(rng, (ta ? k : m) * lda);
            var b = Random(rng, (tb ? n : k) * ldb);
            var c1 = new float[m * ldc];
            Array.Fill(c1, float.NaN);
            var c2 = (float[])c1.Clone();
            candidate.Sgemm(ta, tb, m, n, k, 1.5f, a, lda, b, ldb, 0f, c1, ldc);
            oracle.Sgemm(ta, tb, m, n, k, 1.5f, a, lda, b, ldb, 0f, c2, ldc);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double e = Math.Abs((double)c1[i * ldc + j] - c2[i * ldc + j]);
                    if (double.IsNaN(e)) e = double.PositiveInfinity;
                    if (e > worst) { worst = e; where = $"transA={ta}, transB={tb}, C[{i},{j}]"; }
                }
        }
        // Entries are 1.5 × sums of 70 products of values in [-1, 1): float32 rounding stays below 1e-4.
        if (worst <= 1e-3) return null;
        string what = double.IsPositiveInfinity(worst) ? "a NaN or infinite value" : $"max abs error {worst:g3}";
        return $"{what} against {oracle.Name} at {where} ({m}×{n}×{k})";
    }

    private static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
